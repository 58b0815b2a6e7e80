/* http.c - libmicrohttpd glue. Responses are built per request from atomics; nothing here
 * blocks on the stage. */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "metrics.h"

/* static strings without quotes or backslashes (they go into JSON as they are) */
static _Atomic(const char *) not_ready_reason = "starting";

struct nw_http {
    struct MHD_Daemon *d;
    atomic_int *ready;
    int port;
};

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

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)con_cls;
    nw_http *h = cls;
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

nw_http *nw_http_new(const char *bind_addr, int port, atomic_int *ready, char *err, size_t errsz)
{
    nw_http *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    h->ready = ready;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1) {
        snprintf(err, errsz, "http.bind \"%s\" is not an IPv4 address", bind_addr);
        free(h);
        return NULL;
    }
    h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, (uint16_t)port,
                            NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR, &sa,
                            MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (!h->d) {
        snprintf(err, errsz, "cannot listen for HTTP on %s:%d (port in use?)", bind_addr, port);
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
