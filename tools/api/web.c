/* web.c - the story browser's page (web/index.html: HTML, CSS and script in one file, no
 * build step), embedded in the binary so the API needs no files beside it; api.web_dir
 * serves a copy from disk instead (edit and reload). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

__asm__(".section .rodata\n"
        ".global nw_api_page\n"
        "nw_api_page:\n"
        ".incbin \"tools/api/web/index.html\"\n"
        ".global nw_api_page_end\n"
        "nw_api_page_end:\n"
        ".byte 0\n"
        ".previous\n");
extern const char nw_api_page[], nw_api_page_end[];

void api_page(api_ctx *a, nw_http_response *r)
{
    r->status = 200;
    r->type = "text/html; charset=utf-8";
    r->body.len = 0;
    if (!a->cfg->web_dir[0]) {
        nw_buf_append(&r->body, nw_api_page, (size_t)(nw_api_page_end - nw_api_page));
        return;
    }
    char path[NW_CFG_STR_MAX + 16];
    snprintf(path, sizeof path, "%s/index.html", a->cfg->web_dir);
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        nw_buf_append(&r->body, chunk, n);
    }
    if (!f) {
        api_error(r, 500, "no_page", "cannot read %s (api.web_dir)", path);
        return;
    }
    fclose(f);
}
