/* utf8.c - strict UTF-8 validation and decoding, RFC 3629 ranges. */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

size_t nw_utf8_validate(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* ASCII runs eight bytes at a time: most of a news message */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ULL) {
                break;
            }
            i += 8;
        }
        if (i >= len) {
            break;
        }
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0) {
                lo = 0xA0; /* overlong */
            } else if (c == 0xED) {
                hi = 0x9F; /* surrogates */
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0) {
                lo = 0x90;
            } else if (c == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return i;
        }
        if (len - i < n) {
            return i;
        }
        if (p[i + 1] < lo || p[i + 1] > hi) {
            return i;
        }
        for (size_t k = 2; k < n; k++) {
            if ((p[i + k] & 0xC0) != 0x80) {
                return i;
            }
        }
        i += n;
    }
    return len;
}

int nw_utf8_decode(const unsigned char *p, size_t avail, int *cp)
{
    unsigned char c = p[0];
    if (c < 0x80 || avail < 2) {
        *cp = c;
        return 1;
    }
    if (c < 0xE0) {
        *cp = ((c & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0 || avail < 4) {
        if (avail < 3) {
            *cp = c;
            return 1;
        }
        *cp = ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    *cp = ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    return 4;
}
