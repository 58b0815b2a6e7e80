/* fingerprint.c - tokenize once, then shingle, sign, anchor and simhash from the same token
 * hashes. */
#include "fingerprint.h"

#include <stdio.h>

#include "../core/nw_error.h"
#include "shingle.h"
#include "simhash.h"

void nw_fp_params_default(nw_fp_params *p)
{
    p->shingle = 3;
    p->seed = 1;
    nw_anchor_params_sample(&p->anchors);
}

void nw_fingerprinter_init(nw_fingerprinter *f, const nw_fp_params *p)
{
    f->params = *p;
    nw_u64vec_init(&f->tokens);
    nw_u64vec_init(&f->shingles);
    nw_u64vec_init(&f->masked_tokens);
    nw_u64vec_init(&f->masked_shingles);
    nw_fp_scheme(p, f->scheme, sizeof f->scheme);
}

void nw_fingerprinter_release(nw_fingerprinter *f)
{
    nw_u64vec_release(&f->tokens);
    nw_u64vec_release(&f->shingles);
    nw_u64vec_release(&f->masked_tokens);
    nw_u64vec_release(&f->masked_shingles);
}

void nw_fp_scheme(const nw_fp_params *p, char *out, size_t n)
{
    snprintf(out, n, NW_FP_SCHEME_BASE "-w%u-oph%d-s%llx", p->shingle, NW_MINHASH_BINS,
             (unsigned long long)p->seed);
}

int nw_fingerprint_text(nw_fingerprinter *f, const char *text, size_t n, nw_fingerprint *out)
{
    f->tokens.n = f->masked_tokens.n = 0;
    if (nw_tokenize_masked(text, n, f->params.seed, &f->tokens, &f->masked_tokens) != NW_OK ||
        nw_shingle(f->tokens.v, f->tokens.n, f->params.shingle, &f->shingles) != NW_OK) {
        return NW_E_NOMEM;
    }
    nw_minhash_sign(f->shingles.v, f->shingles.n, f->params.seed, out->minhash);
    out->nanchors = nw_anchors_select(f->shingles.v, f->shingles.n, f->params.seed,
                                      &f->params.anchors, out->anchors);
    out->nexact =
        nw_exact_set(f->shingles.v, f->shingles.n, f->params.seed, out->exact, out->exact_keys);
    out->nmasked = 0;
    if (out->nexact) { /* a short text: its masked set too, for the template guard (decide.h) */
        if (nw_shingle(f->masked_tokens.v, f->masked_tokens.n, f->params.shingle,
                       &f->masked_shingles) != NW_OK) {
            return NW_E_NOMEM;
        }
        out->nmasked = nw_exact_set(f->masked_shingles.v, f->masked_shingles.n, f->params.seed,
                                    out->masked, NULL);
    }
    out->tokens = f->tokens.n;
    out->shingles = f->shingles.n;
    out->simhash = nw_simhash(f->tokens.v, f->tokens.n);
    return NW_OK;
}
