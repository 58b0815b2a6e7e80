/* decide.h - the near-duplicate decision, separated from the store that finds candidates.
 * Given a document's verified candidates (estimated Jaccard and containment each), it names
 * each relation, the document this one duplicates (dup_of) and the story it joins. Pure. */
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

typedef struct nw_candidate {
    /* inputs */
    const char *id;          /* borrowed */
    const char *story_id;    /* borrowed */
    int provisional;         /* its decision is not stored yet: story_id is its own id */
    int64_t first_seen_ms;   /* of the candidate document */
    int64_t story_first_ms;  /* of the candidate's story */
    double jaccard;
    double containment;
    /* output */
    nw_relation relation;
} nw_candidate;

typedef struct nw_decision {
    int dup_of;          /* index into the candidates, or -1 */
    int story_from;      /* index of the candidate whose story this joins, or -1 (new story) */
    size_t nmatches;     /* candidates with a relation, sorted first by nw_decide() */
} nw_decision;

nw_relation nw_match_relation(const nw_match_params *p, double jaccard, double containment);

/* Containment of the smaller set in the larger from Jaccard and both sizes; for a set smaller
 * than min_shingles the estimate is too coarse (a handful of shingles over 128 bins), so the
 * Jaccard itself is returned: tiny templated texts must look alike, not merely overlap. */
double nw_match_containment(const nw_match_params *p, double jaccard, uint32_t na, uint32_t nb);

/* Sets each candidate's relation, sorts the related ones to the front (highest containment
 * first, then highest Jaccard, then the earliest first seen, then id), and picks dup_of (the
 * best duplicate) and the story (the oldest story among related candidates, so a story id
 * never changes once given, and joins pick deterministically). */
void nw_decide(const nw_match_params *p, nw_candidate *c, size_t n, nw_decision *out);

#endif
