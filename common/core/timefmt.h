/* timefmt.h - RFC 3339 timestamps in UTC with milliseconds, and parsing of common forms. Pure. */
#ifndef NW_TIMEFMT_H
#define NW_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* "2006-09-13T20:19:00.000Z"; 'out' needs 25 bytes. */
void nw_time_format_ms(int64_t ms, char *out, size_t n);

/* Parses RFC 3339 / ISO 8601 ("2006-09-13T16:19:00-04:00", "2006-09-13 20:19", "2006-09-13")
 * and RFC 2822 ("Wed, 13 Sep 2006 16:19:00 EDT") into milliseconds since the epoch, UTC (no
 * zone = UTC). 0, or -1 when the text is none of these. */
int nw_time_parse(const char *s, int64_t *ms);

#endif
