/* anchors.h - a consistent sample of a document's shingles, to find candidates by what they
 * share rather than by Jaccard. Each shingle has a 32-bit anchor key (a remix of its hash);
 * a document's anchors are the keys below 2^32 / every, but at least its 'least' smallest keys
 * (short texts) and at most its 'most' smallest (long pages). A shingle two documents share is
 * an anchor of both whenever its key is below both documents' cut-offs, so a pair sharing s
 * shingles shares an anchor with probability 1 - (1 - 1/every)^s at any size ratio: a short
 * article inside a page ten times its size is found as surely as a copy of the same length.
 * Pure, no allocation. */
#ifndef NW_ANCHORS_H
#define NW_ANCHORS_H

#include <stddef.h>
#include <stdint.h>

#define NW_ANCHORS_MAX 256 /* 'most' at most */

typedef struct nw_anchor_params {
    unsigned every; /* one shingle in this many is an anchor */
    unsigned least; /* anchors of a short text at least (all its shingles when fewer) */
    unsigned most;  /* anchors of a long page at most (<= NW_ANCHORS_MAX) */
} nw_anchor_params;

/* A shingle's anchor key. */
uint32_t nw_anchor_key(uint64_t shingle, uint64_t seed);

/* The defaults: every 16, least 16, most 128. */
void nw_anchor_params_default(nw_anchor_params *p);

/* NULL when the parameters make sense, else a sentence saying which does not. */
const char *nw_anchor_params_check(const nw_anchor_params *p);

/* Writes the anchors of a set of shingle hashes to 'out' (room for p->most), ascending and
 * distinct, and returns how many. */
size_t nw_anchors_select(const uint64_t *shingles, size_t n, uint64_t seed,
                         const nw_anchor_params *p, uint32_t *out);

/* Probability that two documents sharing 'shared' shingles share an anchor, when the larger
 * of their cut-offs' reciprocals is 'every' (both are long enough to sample at the rate). */
double nw_anchor_candidate_probability(double shared, unsigned every);

#endif
