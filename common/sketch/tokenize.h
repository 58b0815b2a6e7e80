/* tokenize.h - matching-oriented normalisation and tokenisation, fused in one pass.
 * Folding: Unicode compatibility decomposition (NFKD) + case folding, combining marks dropped
 * (so "Khamenéi" == "khamenei"), apostrophes of any shape removed inside words ("Iraq's" ==
 * "Iraq’s" == "iraqs"), every other non-letter/digit separates words (dashes, quotes, hyphens);
 * in scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) each character is a
 * word of its own.
 * Each token is emitted as a 64-bit hash; no allocation per token. Pure. */
#ifndef NW_TOKENIZE_H
#define NW_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

/* Tokens longer than this many bytes are cut (they hash by their prefix). */
#define NW_TOKEN_MAX 64

typedef struct nw_u64vec {
    uint64_t *v;
    size_t n, cap;
} nw_u64vec;

void nw_u64vec_init(nw_u64vec *a);
void nw_u64vec_release(nw_u64vec *a);
int nw_u64vec_push(nw_u64vec *a, uint64_t x);

/* Appends the hashes of the tokens of 'text' (UTF-8, not NUL-terminated) to 'out'. */
int nw_tokenize(const char *text, size_t n, uint64_t seed, nw_u64vec *out);

#endif
