/* utf8.h - strict UTF-8 validation (no overlongs, no surrogates, <= U+10FFFF). Pure. */
#ifndef NW_UTF8_H
#define NW_UTF8_H

#include <stddef.h>

/* Returns the byte offset of the first invalid sequence, or len if all of p is valid. */
size_t nw_utf8_validate(const char *p, size_t len);

/* Decodes one code point at p (valid UTF-8 assumed, e.g. after nw_utf8_validate);
 * stores it in *cp and returns the sequence length (1..4). */
int nw_utf8_decode(const unsigned char *p, size_t avail, int *cp);

#endif
