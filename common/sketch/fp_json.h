/* fp_json.h - the one codec of a message's "fp" object, written by the fingerprint stage and
 * read by the cluster stage:
 *   {scheme, tokens, shingles, minhash: base64 of 128 little-endian u32,
 *    anchors: base64 of n little-endian u32 (ascending),
 *    exact: base64 of n little-endian u16 (ascending; texts of up to 256 shingles only),
 *    exact_lo: base64 of the n low halves of those values' 32-bit anchor keys (with exact;
 *      what counts how many articles share a shingle, match/common_text.h),
 *    masked: the same of the text with its names and numbers masked (tokenize.h; with exact),
 *    simhash: 16 hex digits}
 * Messages written before anchors and exact sets existed have neither: they are found through
 * the MinHash bands alone and verified from the MinHash; messages without exact_lo (before
 * 2026-12-03) are decided without the common-text discount. */
#ifndef NW_FP_JSON_H
#define NW_FP_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "../core/nw_err.h"
#include "fingerprint.h"

/* Writes the fp object (the value of a message's "fp" member). */
void nw_fp_json_write(yajl_gen g, const char *scheme, const nw_fingerprint *fp);

/* What the matcher reads back. */
typedef struct nw_fp_read {
    uint32_t shingles;
    uint32_t sig[NW_MINHASH_BINS];
    uint32_t anchors[NW_ANCHORS_MAX];
    size_t nanchors;
    uint16_t exact[NW_EXACT_MAX];
    size_t nexact; /* 0: verify through the MinHash */
    uint32_t exact_keys[NW_EXACT_MAX];
    size_t nkeys; /* nexact, or 0: no keys, no common-text discount */
    uint16_t masked[NW_EXACT_MAX];
    size_t nmasked; /* 0: no template guard */
} nw_fp_read;

/* Reads the "fp" object 'fp' (NULL when absent) of a scheme that must be 'scheme'. NW_OK, or
 * NW_E_INPUT with reason missing_field, bad_field_type, scheme_mismatch or bad_signature. */
int nw_fp_json_read(yajl_val fp, const char *scheme, nw_fp_read *out, nw_err *err);

#endif
