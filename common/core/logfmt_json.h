/* logfmt_json.h - one logfmt line (ours: key=value pairs, values bare or in double quotes with
 * JSON's escapes) as one JSON object, for log.format = json. Bare values that are JSON numbers
 * stay numbers; everything else becomes a string. Pure, no allocation. */
#ifndef NW_LOGFMT_JSON_H
#define NW_LOGFMT_JSON_H

#include <stddef.h>

/* Writes the object for line[0..n) into out (NUL-terminated) and returns its length; a line
 * that does not fit is cut at a pair and closed, so the result is always one valid object.
 * cap must be at least 3. Text that is no key=value pair is kept under "msg". */
size_t nw_logfmt_to_json(const char *line, size_t n, char *out, size_t cap);

#endif
