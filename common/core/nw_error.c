/* nw_error.c - names for error codes. */
#include "nw_error.h"

const char *nw_strerror(int rc)
{
    switch (rc) {
    case NW_OK:
        return "ok";
    case NW_E_NOMEM:
        return "out of memory";
    case NW_E_INPUT:
        return "bad input";
    case NW_E_RETRY:
        return "temporary failure";
    case NW_E_FATAL:
        return "fatal error";
    default:
        return "unknown error";
    }
}
