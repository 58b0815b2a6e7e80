/* base64.c - table-driven encoder and a strict decoder (padding required). */
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

static int val(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

long nw_base64_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
    if (n % 4) {
        return -1;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int a = val(in[i]), b = val(in[i + 1]);
        int last = i + 4 == n;
        int c = (last && in[i + 2] == '=') ? -2 : val(in[i + 2]);
        int d = (last && in[i + 3] == '=') ? -2 : val(in[i + 3]);
        if (a < 0 || b < 0 || c == -1 || d == -1 || (c == -2 && d != -2)) {
            return -1;
        }
        unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)(c < 0 ? 0 : c) << 6 |
                     (unsigned)(d < 0 ? 0 : d);
        size_t k = c == -2 ? 1 : d == -2 ? 2 : 3;
        if (o + k > cap) {
            return -1;
        }
        out[o++] = (unsigned char)(v >> 16);
        if (k > 1) {
            out[o++] = (unsigned char)(v >> 8);
        }
        if (k > 2) {
            out[o++] = (unsigned char)v;
        }
    }
    return (long)o;
}
