/* fp_json.c - u32 arrays travel as base64 of their little-endian bytes: a third smaller than
 * JSON numbers and one string to check. */
#include "fp_json.h"

#include <stdio.h>
#include <string.h>

#include "../core/base64.h"
#include "../core/doc.h"
#include "../core/nw_error.h"

static void write_u32s(yajl_gen g, const char *key, const uint32_t *v, size_t n)
{
    unsigned char raw[NW_ANCHORS_MAX * 4];
    char b64[NW_ANCHORS_MAX * 6];
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 4; k++) {
            raw[4 * i + k] = (unsigned char)(v[i] >> (8 * k));
        }
    }
    nw_json_strn(g, key, b64, nw_base64_encode(raw, 4 * n, b64));
}

void nw_fp_json_write(yajl_gen g, const char *scheme, const nw_fingerprint *fp)
{
    char sim[17];
    snprintf(sim, sizeof sim, "%016llx", (unsigned long long)fp->simhash);
    nw_json_key(g, "fp");
    yajl_gen_map_open(g);
    nw_json_str(g, "scheme", scheme);
    nw_json_int(g, "tokens", (long long)fp->tokens);
    nw_json_int(g, "shingles", (long long)fp->shingles);
    write_u32s(g, "minhash", fp->minhash, NW_MINHASH_BINS);
    write_u32s(g, "anchors", fp->anchors, fp->nanchors);
    nw_json_str(g, "simhash", sim);
    yajl_gen_map_close(g);
}

/* base64 of at most 'max' u32; the count, or -1 when it is not that */
static long read_u32s(const char *b64, uint32_t *v, size_t max)
{
    unsigned char raw[NW_ANCHORS_MAX * 4];
    long len = nw_base64_decode(b64, strlen(b64), raw, sizeof raw);
    if (len < 0 || len % 4 != 0 || (size_t)len / 4 > max) {
        return -1;
    }
    for (long i = 0; i < len / 4; i++) {
        v[i] = (uint32_t)raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 |
               (uint32_t)raw[4 * i + 2] << 16 | (uint32_t)raw[4 * i + 3] << 24;
    }
    return len / 4;
}

static int ascending(const uint32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (v[i] <= v[i - 1]) {
            return 0;
        }
    }
    return 1;
}

int nw_fp_json_read(yajl_val fp, const char *scheme, nw_fp_read *out, nw_err *err)
{
    if (!fp || !YAJL_IS_OBJECT(fp)) {
        return nw_err_set(err, NW_E_INPUT, "missing_field", "object \"fp\" is missing");
    }
    const char *sp[] = {"scheme", NULL}, *np[] = {"shingles", NULL}, *mp[] = {"minhash", NULL},
               *ap[] = {"anchors", NULL};
    yajl_val s = yajl_tree_get(fp, sp, yajl_t_string);
    yajl_val n = yajl_tree_get(fp, np, yajl_t_number);
    yajl_val mh = yajl_tree_get(fp, mp, yajl_t_string);
    yajl_val an = yajl_tree_get(fp, ap, yajl_t_any);
    if (!s || !n || !mh || !YAJL_IS_INTEGER(n) || YAJL_GET_INTEGER(n) < 0 ||
        YAJL_GET_INTEGER(n) > UINT32_MAX || (an && !YAJL_IS_STRING(an))) {
        return nw_err_set(err, NW_E_INPUT, "bad_field_type",
                          "fp needs scheme (string), shingles (integer), minhash (string) and "
                          "may have anchors (string)");
    }
    if (strcmp(s->u.string, scheme) != 0) {
        return nw_err_set(err, NW_E_INPUT, "scheme_mismatch",
                          "fp.scheme \"%.80s\" is not the store's \"%.80s\"", s->u.string, scheme);
    }
    if (read_u32s(mh->u.string, out->sig, NW_MINHASH_BINS) != NW_MINHASH_BINS) {
        return nw_err_set(err, NW_E_INPUT, "bad_signature", "fp.minhash is not base64 of %d bytes",
                          NW_MINHASH_BINS * 4);
    }
    long na = an ? read_u32s(an->u.string, out->anchors, NW_ANCHORS_MAX) : 0;
    if (na < 0 || !ascending(out->anchors, (size_t)na)) {
        return nw_err_set(err, NW_E_INPUT, "bad_signature",
                          "fp.anchors is not base64 of at most %d ascending u32", NW_ANCHORS_MAX);
    }
    out->nanchors = (size_t)na;
    out->shingles = (uint32_t)YAJL_GET_INTEGER(n);
    return NW_OK;
}
