/* http_get.h - the little HTTP/1.1 client nearwire-query needs: one request per connection
 * to an http:// base URL, the whole answer read into memory. */
#ifndef NW_HTTP_GET_H
#define NW_HTTP_GET_H

#include <stddef.h>

#include "core/buf.h"

typedef struct http_answer {
    int status;
    nw_buf body;
} http_answer;

/* method GET or POST (body/type may be NULL for GET); path begins with '/'. 0, or -1 with the
 * reason in err (no connection, timeout, not HTTP). The caller releases a->body. */
int http_request(const char *base_url, const char *method, const char *path, const char *type,
                 const char *body, size_t len, int timeout_s, http_answer *a, char *err,
                 size_t errsz);

/* Appends s percent-encoded (all but unreserved characters) to out. */
int http_escape(nw_buf *out, const char *s);

#endif
