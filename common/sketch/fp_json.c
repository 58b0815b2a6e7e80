/* fp_json.c - u32 arrays travel as base64 of their little-endian bytes: a third smaller than
 * JSON numbers and one string to check. */
#include "fp_json.h"

#include <stdio.h>
#include <string.h>

#include "../core/base64.h"
#include "../core/doc.h"
#include "../core/le.h"
#include "../core/nw_error.h"

#define RAW_MAX (NW_ANCHORS_MAX * 4) /* the longest array's bytes (exact: 256 x 2) */

/* n values of 'width' bytes each, little endian, as one base64 string */
static void write_le(yajl_gen g, const char *key, const uint32_t *v32, const uint16_t *v16,
                     size_t n, int width)
{
    unsigned char raw[RAW_MAX];
    char b64[RAW_MAX * 4 / 3 + 4];
    for (size_t i = 0; i < n; i++) {
        nw_le_put(raw + (size_t)width * i, width == 4 ? v32[i] : v16[i], width);
    }
    nw_json_strn(g, key, b64, nw_base64_encode(raw, (size_t)width * n, b64));
}

void nw_fp_json_write(yajl_gen g, const char *scheme, const nw_fingerprint *fp)
{
    char sim[17];
    snprintf(sim, sizeof sim, "%016llx", (unsigned long long)fp->simhash);
    yajl_gen_map_open(g);
    nw_json_str(g, "scheme", scheme);
    nw_json_int(g, "tokens", (long long)fp->tokens);
    nw_json_int(g, "shingles", (long long)fp->shingles);
    write_le(g, "minhash", fp->minhash, NULL, NW_MINHASH_BINS, 4);
    write_le(g, "anchors", fp->anchors, NULL, fp->nanchors, 4);
    if (fp->nexact) {
        uint16_t lo[NW_EXACT_MAX];
        for (size_t i = 0; i < fp->nexact; i++) {
            lo[i] = (uint16_t)fp->exact_keys[i];
        }
        write_le(g, "exact", NULL, fp->exact, fp->nexact, 2);
        write_le(g, "exact_lo", NULL, lo, fp->nexact, 2);
        write_le(g, "masked", NULL, fp->masked, fp->nmasked, 2);
    }
    nw_json_str(g, "simhash", sim);
    yajl_gen_map_close(g);
}

/* base64 of at most 'max' values of 'width' bytes, ascending when 'sorted'; the count, or -1
 * when it is not that */
static long read_le(const char *b64, uint32_t *v32, uint16_t *v16, size_t max, int width,
                    int sorted)
{
    unsigned char raw[RAW_MAX];
    long len = nw_base64_decode(b64, strlen(b64), raw, sizeof raw);
    if (len < 0 || len % width != 0 || (size_t)(len / width) > max) {
        return -1;
    }
    long n = len / width;
    /* a loop for each width: the general one was as slow as the base64 decoding before it */
    if (width == 4) {
        for (long i = 0; i < n; i++) {
            const unsigned char *p = raw + 4 * i;
            v32[i] =
                (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        }
    } else {
        for (long i = 0; i < n; i++) {
            v16[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
        }
    }
    for (long i = 1; sorted && i < n; i++) {
        if (width == 4 ? v32[i] <= v32[i - 1] : v16[i] <= v16[i - 1]) {
            return -1;
        }
    }
    return n;
}

int nw_fp_json_read(yajl_val fp, const char *scheme, nw_fp_read *out, nw_err *err)
{
    if (!fp || !YAJL_IS_OBJECT(fp)) {
        return nw_err_set(err, NW_E_INPUT, "missing_field", "object \"fp\" is missing");
    }
    const char *sp[] = {"scheme", NULL}, *np[] = {"shingles", NULL}, *mp[] = {"minhash", NULL},
               *ap[] = {"anchors", NULL}, *ep[] = {"exact", NULL}, *kp[] = {"masked", NULL},
               *lp[] = {"exact_lo", NULL};
    yajl_val s = yajl_tree_get(fp, sp, yajl_t_string);
    yajl_val n = yajl_tree_get(fp, np, yajl_t_number);
    yajl_val mh = yajl_tree_get(fp, mp, yajl_t_string);
    yajl_val an = yajl_tree_get(fp, ap, yajl_t_any);
    yajl_val ex = yajl_tree_get(fp, ep, yajl_t_any);
    yajl_val mk = yajl_tree_get(fp, kp, yajl_t_any);
    yajl_val lo = yajl_tree_get(fp, lp, yajl_t_any);
    if (!s || !n || !mh || !YAJL_IS_INTEGER(n) || YAJL_GET_INTEGER(n) < 0 ||
        YAJL_GET_INTEGER(n) > UINT32_MAX || (an && !YAJL_IS_STRING(an)) ||
        (ex && !YAJL_IS_STRING(ex)) || (mk && !YAJL_IS_STRING(mk)) || (lo && !YAJL_IS_STRING(lo))) {
        return nw_err_set(err, NW_E_INPUT, "bad_field_type",
                          "fp needs scheme (string), shingles (integer), minhash (string) and "
                          "may have anchors, exact, exact_lo and masked (strings)");
    }
    if (strcmp(s->u.string, scheme) != 0) {
        return nw_err_set(err, NW_E_INPUT, "scheme_mismatch",
                          "fp.scheme \"%.80s\" is not the store's \"%.80s\"", s->u.string, scheme);
    }
    if (read_le(mh->u.string, out->sig, NULL, NW_MINHASH_BINS, 4, 0) != NW_MINHASH_BINS) {
        return nw_err_set(err, NW_E_INPUT, "bad_signature", "fp.minhash is not base64 of %d bytes",
                          NW_MINHASH_BINS * 4);
    }
    long na = an ? read_le(an->u.string, out->anchors, NULL, NW_ANCHORS_MAX, 4, 1) : 0;
    if (na < 0) {
        return nw_err_set(err, NW_E_INPUT, "bad_signature",
                          "fp.anchors is not base64 of at most %d ascending u32", NW_ANCHORS_MAX);
    }
    out->shingles = (uint32_t)YAJL_GET_INTEGER(n);
    long ne = ex ? read_le(ex->u.string, NULL, out->exact, NW_EXACT_MAX, 2, 1) : 0;
    long nm = mk ? read_le(mk->u.string, NULL, out->masked, NW_EXACT_MAX, 2, 1) : 0;
    /* (the masked set may be the larger: "Bank" and "bank" are one word unmasked, two masked) */
    if (ne < 0 || nm < 0 || (uint64_t)ne > out->shingles) {
        return nw_err_set(err, NW_E_INPUT, "bad_signature",
                          "fp.exact (one value per shingle at most) and fp.masked must be base64 "
                          "of at most %d ascending u16",
                          NW_EXACT_MAX);
    }
    uint16_t low[NW_EXACT_MAX];
    long nl = lo && ne ? read_le(lo->u.string, NULL, low, NW_EXACT_MAX, 2, 0) : 0;
    if (nl < 0 || (nl && nl != ne)) {
        return nw_err_set(err, NW_E_INPUT, "bad_signature",
                          "fp.exact_lo must be base64 of one u16 per fp.exact value");
    }
    for (long i = 0; i < nl; i++) {
        out->exact_keys[i] = (uint32_t)out->exact[i] << 16 | low[i];
    }
    out->nkeys = (size_t)nl;
    out->nmasked = ne ? (size_t)nm : 0;
    out->nanchors = (size_t)na;
    out->nexact = (size_t)ne;
    return NW_OK;
}
