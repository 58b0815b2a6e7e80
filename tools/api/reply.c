/* reply.c - the API's response bodies: JSON from the shared generator, errors as
 * {"error": reason, "detail": text}. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "core/doc.h"
#include "core/nw_error.h"
#include "core/utf8.h"

void api_error(nw_http_response *r, unsigned status, const char *reason, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    yajl_gen g = nw_json_gen_new();
    if (!g) {
        r->status = 500;
        return;
    }
    yajl_gen_map_open(g);
    nw_json_str(g, "error", reason);
    /* only its valid UTF-8 prefix: a detail may quote input, or be cut inside a character */
    nw_json_strn(g, "detail", detail, nw_utf8_validate(detail, strlen(detail)));
    yajl_gen_map_close(g);
    r->body.len = 0;
    nw_json_take(g, &r->body);
    nw_buf_append(&r->body, "\n", 1);
    yajl_gen_free(g);
    r->status = status;
    r->type = "application/json";
}

void api_json(api_ctx *a, nw_http_response *r, unsigned status)
{
    r->body.len = 0;
    if (nw_json_take(a->g, &r->body) != NW_OK) {
        api_error(r, 500, "nomem", "out of memory");
        return;
    }
    nw_buf_append(&r->body, "\n", 1);
    r->status = status;
    r->type = "application/json";
}

void api_store_error(nw_http_response *r, int rc, const nw_err *err)
{
    api_error(r, rc == NW_E_RETRY ? 503 : 500, err->reason ? err->reason : "store", "%s",
              err->detail);
}
