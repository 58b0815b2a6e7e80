/* log.h - one logfmt line per event on stderr: ts= level= stage= event= then the caller's
 * key=value pairs; or the same pairs as one JSON object a line (log.format = json). The macro
 * checks the level before any formatting happens. Each event name is rate-limited (NW_LOG_BURST
 * lines a second) so a failing dependency cannot flood the log. */
#ifndef NW_LOG_H
#define NW_LOG_H

#include <stddef.h>

enum { NW_LOG_ERROR = 0, NW_LOG_WARN = 1, NW_LOG_INFO = 2, NW_LOG_DEBUG = 3 };

#define NW_LOG_BURST 20

extern int nw_log_level;
extern int nw_log_json; /* 1: each line a JSON object */

void nw_log_set_stage(const char *stage);  /* borrowed; must outlive logging */
int nw_log_parse_level(const char *name);  /* -1 if unknown */
int nw_log_parse_format(const char *name); /* logfmt 0, json 1, -1 if unknown */
void nw_log_write(int level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A logfmt value: s in double quotes with ", \\ and control characters escaped. nw_logq
 * returns it in one of 8 thread-local buffers (512 bytes; longer values are cut), enough for
 * the values of one line: nw_log(..., "detail=%s", nw_logq(text)). */
size_t nw_log_quote(char *dst, size_t cap, const char *s);
const char *nw_logq(const char *s);

#define nw_log(level, event, ...)                                                                  \
    do {                                                                                           \
        if ((level) <= nw_log_level) {                                                             \
            nw_log_write((level), (event), __VA_ARGS__);                                           \
        }                                                                                          \
    } while (0)

#endif
