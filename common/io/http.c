/* http.c - libmicrohttpd glue. Responses are built per request from atomics; nothing here
 * blocks on the stage. The server is sized for probes and scrapes, not for the public: a few
 * connections per client address, a cap on all of them, short timeouts and small request
 * buffers, so half-open connections (slowloris) from one address cannot starve the probes. */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "log.h"
#include "metrics.h"

enum {
    HTTP_PER_ADDRESS = 16,      /* connections from one client address */
    HTTP_CONNECTIONS = 256,     /* connections in all */
    HTTP_TIMEOUT_S = 5,         /* an idle connection is closed after this */
    HTTP_REQUEST_BYTES = 16384, /* request line and headers; larger requests are refused */
};

/* static strings without quotes or backslashes (they go into JSON as they are) */
static _Atomic(const char *) not_ready_reason = "starting";

struct nw_http {
    struct MHD_Daemon *d;
    atomic_int *ready;
    int port;
    nw_http_app app; /* NULL: probes only */
    void *app_ctx;
    size_t max_body;
};

/* A request in progress: its body as it arrives. */
struct nw_http_request {
    struct MHD_Connection *conn;
    const char *method, *path;
    nw_buf body;
    int too_large;
};

const char *nw_http_method(const nw_http_request *q)
{
    return q->method;
}

const char *nw_http_path(const nw_http_request *q)
{
    return q->path;
}

const char *nw_http_arg(const nw_http_request *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *nw_http_header(const nw_http_request *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

const char *nw_http_body(const nw_http_request *q, size_t *len)
{
    *len = q->body.len;
    return q->body.data ? q->body.data : "";
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             const char *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) {
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* An application's error as its handlers write them: {"error": reason, "detail": text}
 * (static strings without quotes or backslashes). */
static enum MHD_Result error_reply(struct MHD_Connection *conn, unsigned status, const char *reason,
                                   const char *detail)
{
    char body[256];
    int n = snprintf(body, sizeof body, "{\"error\":\"%s\",\"detail\":\"%s\"}\n", reason, detail);
    return reply(conn, status, "application/json", body, (size_t)n);
}

/* The application's requests: the first call opens the request (a body announced as too
 * large is refused at once), the next ones bring the body in pieces, the last (no more data)
 * runs the handler. */
static enum MHD_Result handle_app(nw_http *h, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *upload, size_t *upload_size,
                                  void **con_cls)
{
    nw_http_request *q = *con_cls;
    if (!q) {
        if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST")) {
            return error_reply(conn, 405, "method_not_allowed",
                               "the API answers GET, HEAD and POST");
        }
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > h->max_body) {
            return error_reply(conn, 413, "too_large",
                               "the request body is over api.max_body_bytes");
        }
        if (!(q = calloc(1, sizeof *q))) {
            return MHD_NO;
        }
        q->conn = conn;
        q->method = method;
        q->path = url;
        nw_buf_init(&q->body);
        *con_cls = q;
        return MHD_YES;
    }
    if (*upload_size) {
        if (q->body.len + *upload_size > h->max_body) {
            q->too_large = 1; /* chunked: read to the end, keep nothing more */
        } else if (nw_buf_append(&q->body, upload, *upload_size) != 0) {
            return MHD_NO;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (q->too_large) {
        return error_reply(conn, 413, "too_large", "the request body is over api.max_body_bytes");
    }
    nw_http_response r = {500, "application/json", {0}};
    nw_buf_init(&r.body);
    h->app(h->app_ctx, q, &r);
    enum MHD_Result ret = reply(conn, r.status, r.type, r.body.data ? r.body.data : "", r.body.len);
    nw_buf_release(&r.body);
    return ret;
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)conn;
    (void)why;
    nw_http_request *q = *con_cls;
    if (q) {
        nw_buf_release(&q->body);
        free(q);
        *con_cls = NULL;
    }
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    nw_http *h = cls;
    int probe = !strcmp(url, "/metrics") || !strcmp(url, "/livez") || !strcmp(url, "/readyz");
    if (h->app && !probe) {
        return handle_app(h, conn, url, method, upload, upload_size, con_cls);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        return reply(conn, 405, "text/plain", "method not allowed\n", 19);
    }
    if (strcmp(url, "/metrics") == 0) {
        nw_buf b;
        nw_buf_init(&b);
        nw_metrics_render(&b);
        enum MHD_Result r = reply(conn, 200, "text/plain; version=0.0.4; charset=utf-8",
                                  b.data ? b.data : "", b.len);
        nw_buf_release(&b);
        return r;
    }
    if (strcmp(url, "/livez") == 0) {
        return reply(conn, 200, "text/plain", "ok\n", 3);
    }
    if (strcmp(url, "/readyz") == 0) {
        if (atomic_load(h->ready)) {
            return reply(conn, 200, "application/json", "{\"ready\":true}\n", 15);
        }
        char body[256];
        int n = snprintf(body, sizeof body, "{\"ready\":false,\"reason\":\"%s\"}\n",
                         atomic_load(&not_ready_reason));
        return reply(conn, 503, "application/json", body, (size_t)n);
    }
    return reply(conn, 404, "text/plain", "not found\n", 10);
}

void nw_http_set_not_ready_reason(const char *reason)
{
    atomic_store(&not_ready_reason, reason);
}

/* libmicrohttpd's own messages (a client that went away, a refused connection) as our log
 * lines, rate-limited like every event, instead of raw lines on stderr. */
__attribute__((format(printf, 2, 0))) static void http_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) {
        msg[--n] = '\0';
    }
    nw_log(NW_LOG_WARN, "http_log", "detail=%s", nw_logq(msg));
}

/* bind_addr as a socket address: an IPv4 or IPv6 literal ("[::1]" too) or a host name. */
static int resolve_bind(const char *bind_addr, int port, struct sockaddr_storage *sa, char *err,
                        size_t errsz)
{
    char host[256];
    size_t len = strlen(bind_addr);
    if (len >= sizeof host) {
        snprintf(err, errsz, "http.bind is longer than %zu bytes", sizeof host - 1);
        return -1;
    }
    if (len >= 2 && bind_addr[0] == '[' && bind_addr[len - 1] == ']') {
        memcpy(host, bind_addr + 1, len - 2);
        host[len - 2] = '\0';
    } else {
        memcpy(host, bind_addr, len + 1);
    }
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                    *res = NULL;
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, errsz, "http.bind \"%s\" is no address or known host name (%s)", bind_addr,
                 gai_strerror(rc));
        return -1;
    }
    memcpy(sa, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

nw_http *nw_http_new(const char *bind_addr, int port, atomic_int *ready, char *err, size_t errsz)
{
    return nw_http_new_app(bind_addr, port, ready, NULL, NULL, 0, err, errsz);
}

nw_http *nw_http_new_app(const char *bind_addr, int port, atomic_int *ready, nw_http_app app,
                         void *ctx, size_t max_body, char *err, size_t errsz)
{
    struct sockaddr_storage sa;
    memset(&sa, 0, sizeof sa);
    if (resolve_bind(bind_addr, port, &sa, err, errsz) != 0) {
        return NULL;
    }
    nw_http *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    h->ready = ready;
    h->app = app;
    h->app_ctx = ctx;
    h->max_body = max_body;
    /* epoll (AUTO): no FD_SETSIZE ceiling at 1,024 open sockets */
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    flags |= sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0;
    h->d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, handle, h,
        /* first, or libmicrohttpd logs what comes before it on its own */
        MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)HTTP_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_ADDRESS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_REQUEST_BYTES, MHD_OPTION_NOTIFY_COMPLETED,
        request_done, NULL, MHD_OPTION_END);
    if (!h->d) {
        snprintf(err, errsz, "cannot listen for HTTP on %s port %d (port in use?)", bind_addr,
                 port);
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : port;
    return h;
}

int nw_http_port(const nw_http *h)
{
    return h->port;
}

void nw_http_free(nw_http *h)
{
    if (!h) {
        return;
    }
    MHD_stop_daemon(h->d);
    free(h);
}
