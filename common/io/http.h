/* http.h - the per-stage HTTP endpoint (libmicrohttpd, its own thread): /metrics renders the
 * registry, /livez answers 200 while the process runs, /readyz answers 200 only while the
 * readiness flag is set, with a JSON body naming what is not ready. The flag and the reason
 * are the only state shared with the stage. */
#ifndef NW_HTTP_H
#define NW_HTTP_H

#include <stdatomic.h>
#include <stddef.h>

typedef struct nw_http nw_http;

/* port 0 picks a free port (see nw_http_port). 'ready' is borrowed. NULL on failure with the
 * reason in err. Caller frees with nw_http_free(). */
nw_http *nw_http_new(const char *bind_addr, int port, atomic_int *ready, char *err, size_t errsz);
int nw_http_port(const nw_http *h);

/* What /readyz names while not ready: a static string (e.g. "redis: not answering"). */
void nw_http_set_not_ready_reason(const char *reason);
void nw_http_free(nw_http *h);

#endif
