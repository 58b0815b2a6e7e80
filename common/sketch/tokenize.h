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

/* The hash every name and number has in the masked stream (xor the seed). */
#define NW_TOKEN_MASK 0x4e414d45ULL

/* As nw_tokenize, and appends to 'masked' (when not NULL) the same stream with every name and
 * number replaced by one hash: a word with a digit, or one that begins with a capital letter
 * and does not begin a sentence. Two notices built on one template ("X Corp said it filed
 * with the Securities and Exchange Commission for an offering of N shares") differ in the
 * first stream and agree in the second; two copies of one text agree in both. */
int nw_tokenize_masked(const char *text, size_t n, uint64_t seed, nw_u64vec *out,
                       nw_u64vec *masked);

/* As nw_tokenize, and appends to 'spans' each token's place in 'text': its first byte in the
 * high 32 bits, one past its last in the low (texts are far under 4 GiB: max.message.bytes). */
int nw_tokenize_spans(const char *text, size_t n, uint64_t seed, nw_u64vec *out, nw_u64vec *spans);

#endif
