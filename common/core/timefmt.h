/* timefmt.h - RFC 3339 timestamps in UTC with milliseconds. Pure. */
#ifndef NW_TIMEFMT_H
#define NW_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* "2006-09-13T20:19:00.000Z"; 'out' needs 25 bytes. */
void nw_time_format_ms(int64_t ms, char *out, size_t n);

#endif
