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

/* The defaults of the candidate index (cluster's bucket entries): every 16, least 16, most 128. */
void nw_anchor_params_index(nw_anchor_params *p);

/* The defaults of the sample fingerprint sends: every 4, least 16, most 256. Denser than the
 * index, which takes its prefix (nw_anchors_prefix); a long text's record keeps it all, to
 * check the short texts inside it (match/decide.h: a 100-300-shingle text inside a page of up
 * to 1,024 shingles is sampled 25-75 times instead of 6-19; fewer in longer pages). */
void nw_anchor_params_sample(nw_anchor_params *p);

/* NULL when the parameters make sense, else a sentence saying which does not. */
const char *nw_anchor_params_check(const nw_anchor_params *p);

/* Writes the anchors of a set of shingle hashes to 'out' (room for p->most), ascending and
 * distinct, and returns how many. */
size_t nw_anchors_select(const uint64_t *shingles, size_t n, uint64_t seed,
                         const nw_anchor_params *p, uint32_t *out);

/* How many of a text's anchors (ascending), selected at p's rate or a denser one, p's rule
 * keeps: its keys below p's cut-off, but at least p->least and at most p->most. Both rules
 * keep a text's smallest keys, so p's anchors are a prefix of the denser ones; anchors
 * selected at a sparser rate are kept whole. */
size_t nw_anchors_prefix(const uint32_t *anchors, size_t n, const nw_anchor_params *p);

/* Probability that two documents sharing 'shared' shingles share an anchor, when the larger
 * of their cut-offs' reciprocals is 'every' (both are long enough to sample at the rate). */
double nw_anchor_candidate_probability(double shared, unsigned every);

#endif
