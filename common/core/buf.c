/* buf.c - growable byte buffer; doubles capacity so appends are amortised O(1). */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nw_error.h"

void nw_buf_init(nw_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void nw_buf_release(nw_buf *b)
{
    free(b->data);
    nw_buf_init(b);
}

void nw_buf_reset(nw_buf *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

int nw_buf_reserve(nw_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap) {
        return NW_OK;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        return NW_E_NOMEM;
    }
    b->data = p;
    b->cap = cap;
    return NW_OK;
}

int nw_buf_append(nw_buf *b, const void *p, size_t n)
{
    if (nw_buf_reserve(b, n) != NW_OK) {
        return NW_E_NOMEM;
    }
    if (n) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return NW_OK;
}

int nw_buf_puts(nw_buf *b, const char *s)
{
    return nw_buf_append(b, s, strlen(s));
}

int nw_buf_putc(nw_buf *b, char c)
{
    return nw_buf_append(b, &c, 1);
}

int nw_buf_printf(nw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NW_E_INPUT;
    }
    if ((size_t)n < sizeof tmp) {
        return nw_buf_append(b, tmp, (size_t)n);
    }
    if (nw_buf_reserve(b, (size_t)n) != NW_OK) {
        return NW_E_NOMEM;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return NW_OK;
}

int nw_array_reserve(void **items, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap) {
        return NW_OK;
    }
    size_t c = *cap ? *cap : 64;
    while (c < want) {
        c *= 2;
    }
    void *p = realloc(*items, c * size);
    if (!p) {
        return NW_E_NOMEM;
    }
    *items = p;
    *cap = c;
    return NW_OK;
}
