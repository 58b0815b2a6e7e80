/* explain.h - why two texts match: the passages they share, found as runs of consecutive word
 * k-shingles (the fingerprint's own tokens and shingle size) that appear in both in the same
 * order, each mapped back to its bytes and to the whole sentences around it in each text; and
 * the two texts' exact shingle Jaccard and containment (the smaller in the larger). Pure. */
#ifndef NW_EXPLAIN_H
#define NW_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

typedef struct nw_span {
    size_t start, end; /* bytes [start, end) of a text */
} nw_span;

typedef struct nw_passage {
    nw_span a, b;                     /* the shared words in each text */
    nw_span a_sentences, b_sentences; /* the same widened to whole sentences */
    size_t tokens;                    /* words the passage spans */
} nw_passage;

typedef struct nw_explain {
    nw_passage *passages; /* in the order of text a; owned, freed by nw_explain_release() */
    size_t npassages;
    size_t shingles_a, shingles_b, shared; /* distinct shingles of each, and of both */
    double jaccard, containment;
} nw_explain;

/* Finds the passages of at least min_tokens words (shorter runs are stock phrases) that texts
 * a and b (UTF-8) share. k is the shingle size, seed the token hash seed. NW_OK or
 * NW_E_NOMEM. Linear in the texts' lengths (a hash table of b's shingles). */
int nw_explain_texts(const char *a, size_t na, const char *b, size_t nb, unsigned k, uint64_t seed,
                     size_t min_tokens, nw_explain *out);
void nw_explain_release(nw_explain *e);

/* One text cut for display: highlighted stretches (the union of the passages' spans on that
 * side, overlaps merged) and the plain stretches between. passage is the first passage a
 * highlighted stretch belongs to, or -1. */
typedef struct nw_segment {
    nw_span span;
    long passage;
} nw_segment;

/* which: 'a' or 'b'. Returns the number of segments written to 'seg' (at most 2 x npassages + 1;
 * the caller sizes it so), covering [0, len). */
size_t nw_explain_segments(const nw_explain *e, char which, size_t len, nw_segment *seg);

#endif
