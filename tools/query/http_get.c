/* http_get.c - connect, write the request, read until the server closes (Connection: close),
 * then split the status line, headers and body. nearwire-api answers with a length, never
 * chunked, so the body is everything after the headers. */
#include "http_get.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* "http://host:port/prefix" -> host, port, prefix (no trailing '/'). */
static int split_url(const char *url, char *host, size_t hcap, char *port, size_t pcap,
                     const char **prefix)
{
    if (strncmp(url, "http://", 7) != 0) {
        return -1;
    }
    const char *h = url + 7, *slash = strchr(h, '/');
    size_t hl = slash ? (size_t)(slash - h) : strlen(h);
    const char *colon = NULL;
    if (h[0] == '[') { /* [::1]:8090 */
        const char *close = memchr(h, ']', hl);
        if (!close) {
            return -1;
        }
        colon = close + 1 < h + hl && close[1] == ':' ? close + 1 : NULL;
        h++;
        hl = (size_t)(close - h);
    } else {
        colon = memchr(h, ':', hl);
    }
    size_t name_len = colon && h[-1] != '[' ? (size_t)(colon - h) : hl;
    const char *end = slash ? slash : url + strlen(url);
    if (!name_len || name_len >= hcap) {
        return -1;
    }
    memcpy(host, h, name_len);
    host[name_len] = '\0';
    snprintf(port, pcap, "%.*s", colon ? (int)(end - colon - 1) : 2, colon ? colon + 1 : "80");
    *prefix = slash ? slash : "";
    return 0;
}

static int connect_to(const char *host, const char *port, int timeout_s, char *err, size_t errsz)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errsz, "cannot resolve %s: %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        struct timeval tv = {timeout_s, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            snprintf(err, errsz, "cannot connect to %s port %s: %s", host, port, strerror(errno));
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int http_request(const char *base_url, const char *method, const char *path, const char *type,
                 const char *body, size_t len, int timeout_s, http_answer *a, char *err,
                 size_t errsz)
{
    char host[256], port[16];
    const char *prefix;
    nw_buf_init(&a->body);
    a->status = 0;
    if (split_url(base_url, host, sizeof host, port, sizeof port, &prefix) != 0) {
        snprintf(err, errsz, "\"%s\" is no http://host:port URL", base_url);
        return -1;
    }
    int fd = connect_to(host, port, timeout_s, err, errsz);
    if (fd < 0) {
        return -1;
    }
    char head[1024];
    int hn = snprintf(head, sizeof head,
                      "%s %s%s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n"
                      "Accept: application/json\r\n",
                      method, prefix, path, host, port);
    if (body) {
        hn += snprintf(head + hn, sizeof head - (size_t)hn,
                       "Content-Type: %s\r\nContent-Length: %zu\r\n", type, len);
    }
    hn += snprintf(head + hn, sizeof head - (size_t)hn, "\r\n");
    nw_buf in;
    nw_buf_init(&in);
    int rc = hn < (int)sizeof head && write_all(fd, head, (size_t)hn) == 0 &&
                     (!body || write_all(fd, body, len) == 0)
                 ? 0
                 : -1;
    char chunk[16384];
    ssize_t r = 0;
    while (rc == 0 && (r = recv(fd, chunk, sizeof chunk, 0)) > 0) {
        rc = nw_buf_append(&in, chunk, (size_t)r) == 0 ? 0 : -1;
    }
    close(fd);
    const char *sep = in.data ? strstr(in.data, "\r\n\r\n") : NULL;
    if (rc != 0 || r < 0 || !sep || sscanf(in.data, "HTTP/1.%*d %d", &a->status) != 1) {
        snprintf(err, errsz, "no HTTP answer from %s port %s%s", host, port,
                 r < 0 ? " (timed out)" : "");
        nw_buf_release(&in);
        return -1;
    }
    sep += 4;
    nw_buf_append(&a->body, sep, in.len - (size_t)(sep - in.data));
    nw_buf_release(&in);
    return 0;
}

int http_escape(nw_buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || strchr("-._~", *p);
        char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        if (nw_buf_append(out, plain ? (const char *)p : e, plain ? 1 : 3) != 0) {
            return -1;
        }
    }
    return 0;
}
