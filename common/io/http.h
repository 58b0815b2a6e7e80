/* http.h - the per-stage HTTP endpoint (libmicrohttpd, its own thread): /metrics renders the
 * registry, /livez answers 200 while the process runs, /readyz answers 200 only while the
 * readiness flag is set, with a JSON body naming what is not ready. The flag and the reason
 * are the only state shared with the stage. A service (nearwire-api) adds an application
 * handler for every other path; it runs on the same one thread, a request at a time. */
#ifndef NW_HTTP_H
#define NW_HTTP_H

#include <stdatomic.h>
#include <stddef.h>

#include "../core/buf.h"

typedef struct nw_http nw_http;

/* port 0 picks a free port (see nw_http_port). 'ready' is borrowed. NULL on failure with the
 * reason in err. Caller frees with nw_http_free(). */
nw_http *nw_http_new(const char *bind_addr, int port, atomic_int *ready, char *err, size_t errsz);
int nw_http_port(const nw_http *h);

/* One request as the application handler sees it: the path (percent-decoded), the method,
 * the body (a POST's, at most the server's max_body bytes), and its query arguments. */
typedef struct nw_http_request nw_http_request;
const char *nw_http_method(const nw_http_request *q);
const char *nw_http_path(const nw_http_request *q);
const char *nw_http_arg(const nw_http_request *q, const char *name); /* NULL when absent */
const char *nw_http_header(const nw_http_request *q, const char *name);
const char *nw_http_body(const nw_http_request *q, size_t *len);

/* What the handler answers: a status, a content type (a static string) and the body. */
typedef struct nw_http_response {
    unsigned status;
    const char *type;
    nw_buf body;
} nw_http_response;

typedef void (*nw_http_app)(void *ctx, const nw_http_request *q, nw_http_response *r);

/* As nw_http_new, and every path but the probes goes to app (GET, HEAD and POST; a body over
 * max_body bytes is answered 413 without reaching it). */
nw_http *nw_http_new_app(const char *bind_addr, int port, atomic_int *ready, nw_http_app app,
                         void *ctx, size_t max_body, char *err, size_t errsz);

/* What /readyz names while not ready: a static string (e.g. "redis: not answering"). */
void nw_http_set_not_ready_reason(const char *reason);
void nw_http_free(nw_http *h);

#endif
