/* decide.h - the near-duplicate decision, separated from the store that finds candidates.
 * An article is compared with the articles before it in the publication order (order.h): its
 * matches, its relation and the one it duplicates (dup_of) come from those alone, so the
 * answer is the same whichever of two articles arrives first. Related articles after it are
 * reported too: they are the ones whose own decision this article may revise. Pure. */
#ifndef NW_DECIDE_H
#define NW_DECIDE_H

#include <stddef.h>
#include <stdint.h>

typedef enum nw_relation { NW_REL_NONE = 0, NW_REL_STORY, NW_REL_DUPLICATE } nw_relation;

const char *nw_relation_name(nw_relation r);

typedef struct nw_match_params {
    double dup_containment;   /* containment of the smaller in the larger at or above: duplicate */
    double dup_jaccard;       /* or Jaccard at or above: duplicate */
    double story_containment; /* containment at or above: same story */
    double story_jaccard;     /* or Jaccard at or above: same story */
    unsigned min_shingles;    /* containment is trusted only when both sets are this large */
} nw_match_params;

void nw_match_params_default(nw_match_params *p);

/* NULL when the thresholds make sense (each in [0, 1], story at or below duplicate), else a
 * sentence saying which does not. */
const char *nw_match_params_check(const nw_match_params *p);

typedef struct nw_candidate {
    const char *id;   /* borrowed */
    int64_t order_ms; /* the candidate's order time (order.h) */
    double jaccard;
    double containment;
    int template;         /* the shared text is a template (nw_match_is_template) */
    int common;           /* the shared text is common to many articles (common_text.h) */
    nw_relation relation; /* set by nw_decide(): none for a template */
    int earlier;          /* set by nw_decide(): the candidate comes first in the order */
} nw_candidate;

typedef struct nw_decision {
    int dup_of;      /* 0 when the best earlier match c[0] is a duplicate, else -1 */
    size_t nmatches; /* related candidates before the document: c[0 .. nmatches) */
    size_t nlater;   /* related candidates after it: c[nmatches .. nmatches + nlater) */
} nw_decision;

nw_relation nw_match_relation(const nw_match_params *p, double jaccard, double containment);

/* Below this a Jaccard estimate is noise (about 4 of 128 8-bit bins equal, 0.5 by chance),
 * and a containment scaled up from it (a short text against a long one) would be too. */
#define NW_MATCH_MIN_JACCARD 0.03

/* Containment of the smaller set in the larger from Jaccard and both sizes; for a set smaller
 * than min_shingles the estimate is too coarse (a handful of shingles over 128 bins), and for
 * a Jaccard under NW_MATCH_MIN_JACCARD it is noise, so the Jaccard itself is returned: tiny
 * templated texts must look alike, not merely overlap. */
double nw_match_containment(const nw_match_params *p, double jaccard, uint32_t na, uint32_t nb);

/* The same rule for an exact containment (sketch/exact_set.h): trusted for sets of at least
 * min_shingles; below, the Jaccard is returned, as above. */
double nw_match_exact_containment(const nw_match_params *p, double jaccard, double containment,
                                  uint32_t na, uint32_t nb);

/* A short text inside a long one, checked by a second estimator. A long text's record keeps the
 * top 16 bits of its anchors (sketch/anchors.h: its smallest anchor keys), so each shingle of
 * the short text (its exact set holds the same top halves) whose top half is below the long
 * text's largest would be one of those anchors if the long text had it: of those m, k are,
 * and k / m samples the containment with none of the MinHash's error, which the size ratio
 * multiplies (1:10 pairs sharing a few stock phrases estimated at 0.3-0.56). Writes k and m. */
void nw_match_sample(const uint16_t *exact, size_t nexact, const uint16_t *tops, size_t ntops,
                     unsigned *k, unsigned *m);

/* The MinHash's containment c of a short text in a long one, checked by the sample. A sample of
 * NW_SAMPLE_ALONE draws or more decides with it, c weighed as four more draws: (k + 4c) / (m +
 * 4). A smaller one only lowers c: min(c, (k + 2c) / (m + 2)). On the contained pair set, a
 * sample of 3-10 draws let raise related pairs across pairs that share a few stock phrases
 * (2 of 3 sampled) and called 40-50% parts duplicates; from 12 draws (a long text's tops one
 * in 4 of its shingles, fingerprint's default since 2026-12-03) none of either, and whole
 * copies the MinHash put at 0.38-0.56 are duplicates again. */
#define NW_SAMPLE_ALONE 12
double nw_match_sampled_containment(double c, unsigned k, unsigned m);

/* The template guard. Two short texts whose containment grows by NW_TEMPLATE_GAIN or more once
 * their names and numbers are masked (tokenize.h), and which are not near-identical (raw
 * containment under NW_TEMPLATE_SAME), share a template, not a story: "X Corp said it filed
 * with the SEC for an offering of N shares", weather and results notices. On Reuters-21578's
 * notices and the pair sets (make eval), masking adds 0.04-0.39 to such pairs (median 0.17)
 * and at most 0.07 to real copies and same-story pairs; a copy with a corrected figure is
 * near-identical (0.95) and gains 0.04 at most. */
#define NW_TEMPLATE_GAIN 0.1
#define NW_TEMPLATE_SAME 0.8
int nw_match_is_template(double containment, double masked_containment);

/* The ranking of matches: duplicates before story matches, then the highest containment,
 * then the highest Jaccard (a short text is contained in its own copy and in every longer
 * version alike: the closer copy wins), then the earliest in the order. */
int nw_match_rank_cmp(const nw_candidate *a, const nw_candidate *b);

/* Sets each candidate's relation (none for a template or common text) and side, and sorts: related
 * earlier candidates by rank, then related later ones by rank, then the unrelated. dup_of is the
 * best earlier duplicate. */
void nw_decide(const nw_match_params *p, int64_t order_ms, const char *id, nw_candidate *c,
               size_t n, nw_decision *out);

/* An article's stored matches (related, earlier, ranked, at most max) and one more earlier
 * related article: inserts it at its rank (or updates it if listed). Returns 1 when the list
 * changed, so the article's record needs a revision; 0 when it ranks below all max. */
int nw_matches_insert(nw_candidate *list, size_t *n, size_t max, const nw_candidate *add);

#endif
