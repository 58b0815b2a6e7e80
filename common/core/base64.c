/* base64.c - table-driven encoder and a strict table-driven decoder (padding required). */
#include "base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t nw_base64_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n) {
            v |= (unsigned)in[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= in[i + 2];
        }
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

/* Each character's value plus one; 0 for every byte outside the alphabet (a table: the
 * comparisons it replaces were 5% of cluster's CPU, decoding each message's fingerprint). */
#define R4(c, v) [c] = (v) + 1, [(c) + 1] = (v) + 2, [(c) + 2] = (v) + 3, [(c) + 3] = (v) + 4
static const unsigned char plus_one[256] = {
    R4('A', 0),   R4('E', 4),   R4('I', 8),   R4('M', 12),  R4('Q', 16), R4('U', 20),
    [('Y')] = 25, [('Z')] = 26, R4('a', 26),  R4('e', 30),  R4('i', 34), R4('m', 38),
    R4('q', 42),  R4('u', 46),  [('y')] = 51, [('z')] = 52, R4('0', 52), R4('4', 56),
    [('8')] = 61, [('9')] = 62, [('+')] = 63, [('/')] = 64,
};
#undef R4

long nw_base64_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
    if (n % 4) {
        return -1;
    }
    const unsigned char *p = (const unsigned char *)in;
    /* the last group may end in padding: the others are decoded without looking for it */
    size_t pad = n && p[n - 1] == '=' ? (p[n - 2] == '=' ? 2 : 1) : 0;
    size_t whole = pad ? n - 4 : n;
    if (whole / 4 * 3 + (pad ? 3 - pad : 0) > cap) {
        return -1;
    }
    size_t o = 0;
    for (size_t i = 0; i < whole; i += 4) {
        unsigned a = plus_one[p[i]], b = plus_one[p[i + 1]], c = plus_one[p[i + 2]],
                 d = plus_one[p[i + 3]];
        if (!a || !b || !c || !d) {
            return -1;
        }
        unsigned v = (a - 1) << 18 | (b - 1) << 12 | (c - 1) << 6 | (d - 1);
        out[o++] = (unsigned char)(v >> 16);
        out[o++] = (unsigned char)(v >> 8);
        out[o++] = (unsigned char)v;
    }
    if (pad) {
        unsigned a = plus_one[p[whole]], b = plus_one[p[whole + 1]];
        unsigned c = pad == 1 ? plus_one[p[whole + 2]] : 1;
        if (!a || !b || !c) {
            return -1;
        }
        unsigned v = (a - 1) << 18 | (b - 1) << 12 | (c - 1) << 6;
        out[o++] = (unsigned char)(v >> 16);
        if (pad == 1) {
            out[o++] = (unsigned char)(v >> 8);
        }
    }
    return (long)o;
}
