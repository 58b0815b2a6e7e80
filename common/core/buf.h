/* buf.h - a growable byte buffer, the one place output bytes are accumulated; and the
 * doubling growth of any array.
 * The buffer owns its memory; data is always NUL-terminated past len for convenience. */
#ifndef NW_BUF_H
#define NW_BUF_H

#include <stddef.h>

typedef struct nw_buf {
    char *data;
    size_t len;
    size_t cap;
} nw_buf;

void nw_buf_init(nw_buf *b);
void nw_buf_release(nw_buf *b);
void nw_buf_reset(nw_buf *b); /* keeps the allocation for reuse */
int nw_buf_reserve(nw_buf *b, size_t extra);
int nw_buf_append(nw_buf *b, const void *p, size_t n);
int nw_buf_puts(nw_buf *b, const char *s);
int nw_buf_putc(nw_buf *b, char c);
int nw_buf_printf(nw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Grows the array *items (elements of 'size' bytes, *cap of them) by doubling until it holds
 * 'want'; contents are kept. NW_OK, or NW_E_NOMEM with the array untouched. */
int nw_array_reserve(void **items, size_t *cap, size_t want, size_t size);

#endif
