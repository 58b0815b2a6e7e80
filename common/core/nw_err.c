/* nw_err.c - fill an nw_err. */
#include "nw_err.h"

#include <stdarg.h>
#include <stdio.h>

void nw_err_clear(nw_err *e)
{
    e->reason = NULL;
    e->detail[0] = '\0';
}

int nw_err_set(nw_err *e, int rc, const char *reason, const char *fmt, ...)
{
    if (!e) {
        return rc;
    }
    e->reason = reason;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
    return rc;
}
