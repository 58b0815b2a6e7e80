/* fingerprint.h - everything the matcher needs from a text: token and shingle counts, a
 * 128-bin MinHash (32-bit values), its anchors (anchors.h), a short text's exact set
 * (exact_set.h) and a 64-bit SimHash, under a named scheme.
 * An nw_fingerprinter keeps its token and shingle vectors between documents (no allocation
 * in steady state). Pure. */
#ifndef NW_FINGERPRINT_H
#define NW_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "anchors.h"
#include "exact_set.h"
#include "minhash.h"
#include "tokenize.h"

#define NW_FP_SCHEME_MAX 64

/* Every choice that changes signatures but the shingle width and seed. */
#define NW_FP_SCHEME_BASE "v3-nfkdcf-cjkc"
/* The scheme of the default parameters (3-word shingles, seed 1): what stores accept unless
 * configured otherwise. A unit test holds it equal to nw_fp_scheme() of the defaults. */
#define NW_FP_SCHEME_DEFAULT NW_FP_SCHEME_BASE "-w3-oph128-s1"

typedef struct nw_fp_params {
    unsigned shingle; /* words per shingle */
    uint64_t seed;
    nw_anchor_params anchors;
} nw_fp_params;

typedef struct nw_fingerprint {
    size_t tokens;
    size_t shingles;
    uint32_t minhash[NW_MINHASH_BINS];
    uint32_t anchors[NW_ANCHORS_MAX]; /* ascending */
    size_t nanchors;
    uint16_t exact[NW_EXACT_MAX];      /* exact_set.h: short texts only */
    uint32_t exact_keys[NW_EXACT_MAX]; /* each value's whole anchor key */
    size_t nexact;
    uint16_t masked[NW_EXACT_MAX]; /* the same of its names-and-numbers-masked shingles */
    size_t nmasked;
    uint64_t simhash;
} nw_fingerprint;

typedef struct nw_fingerprinter {
    nw_fp_params params;
    nw_u64vec tokens, shingles, masked_tokens, masked_shingles;
    char scheme[NW_FP_SCHEME_MAX];
} nw_fingerprinter;

/* 3-word shingles, seed 1, nw_anchor_params_sample(). */
void nw_fp_params_default(nw_fp_params *p);

void nw_fingerprinter_init(nw_fingerprinter *f, const nw_fp_params *p);
void nw_fingerprinter_release(nw_fingerprinter *f);
int nw_fingerprint_text(nw_fingerprinter *f, const char *text, size_t n, nw_fingerprint *out);

/* NW_FP_SCHEME_BASE "-w<k>-oph128-s<seed hex>": names every choice that changes signatures
 * (v3: characters of unspaced scripts are tokens, "cjkc"; v2 signatures differ only on
 * texts in those scripts). Anchors are not in the name: a pair's anchors agree at any rates
 * (anchors.h), so documents fingerprinted with other anchor settings still match. */
void nw_fp_scheme(const nw_fp_params *p, char *out, size_t n);

#endif
