/* nw_err.h - a failure's machine reason and human detail, filled by whoever fails first.
 * 'reason' is a static snake_case string (it becomes a dead-letter header and a metric label);
 * 'detail' says what and where in words. Caller-owned storage, no allocation. */
#ifndef NW_ERR_H
#define NW_ERR_H

typedef struct nw_err {
    const char *reason;
    char detail[256];
} nw_err;

void nw_err_clear(nw_err *e);

/* Records reason and a printf-style detail; returns rc so callers can `return nw_err_set(...)`. */
int nw_err_set(nw_err *e, int rc, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
