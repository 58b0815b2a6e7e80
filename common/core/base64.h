/* base64.h - standard base64 (RFC 4648, padded) for signatures inside JSON. Pure. */
#ifndef NW_BASE64_H
#define NW_BASE64_H

#include <stddef.h>

/* 'out' needs 4*ceil(n/3)+1 bytes; NUL-terminated. Returns the encoded length. */
size_t nw_base64_encode(const unsigned char *in, size_t n, char *out);
/* Returns the decoded length, or -1 on bad input or when more than 'cap' bytes result. */
long nw_base64_decode(const char *in, size_t n, unsigned char *out, size_t cap);

#endif
