/* nw_error.h - the error codes every nearwire function returns.
 * 0 is success; failures are negative. INPUT means the document is bad (dead-letter it),
 * RETRY means the outside world is (back off), FATAL means this process should exit. */
#ifndef NW_ERROR_H
#define NW_ERROR_H

#define NW_OK 0
#define NW_E_NOMEM (-1)
#define NW_E_INPUT (-2)
#define NW_E_RETRY (-3)
#define NW_E_FATAL (-4)

/* A static name for an error code, for logs. */
const char *nw_strerror(int rc);

#endif
