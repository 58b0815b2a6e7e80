/* shingle.h - word k-shingles as 64-bit hashes, de-duplicated (a set), so the count is the
 * set size that containment estimates need. Pure (a per-thread scratch table is reused). */
#ifndef NW_SHINGLE_H
#define NW_SHINGLE_H

#include <stddef.h>
#include <stdint.h>

#include "tokenize.h"

/* Replaces 'out' with the set of k-shingles of 'tokens' (k >= 1). A document shorter than k
 * tokens gets one shingle of all its tokens, so short texts still match each other. */
int nw_shingle(const uint64_t *tokens, size_t ntok, unsigned k, nw_u64vec *out);

#endif
