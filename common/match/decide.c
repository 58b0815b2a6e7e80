/* decide.c - thresholds to relations, and the deterministic choice of dup_of and story. */
#include "decide.h"

#include <stdlib.h>
#include <string.h>

#include "../sketch/minhash.h"

const char *nw_relation_name(nw_relation r)
{
    switch (r) {
    case NW_REL_DUPLICATE:
        return "duplicate";
    case NW_REL_STORY:
        return "story";
    default:
        return "none";
    }
}

void nw_match_params_default(nw_match_params *p)
{
    p->dup_containment = 0.55;
    p->dup_jaccard = 0.5;
    p->story_containment = 0.12;
    p->story_jaccard = 0.08;
    p->min_shingles = 20;
}

double nw_match_containment(const nw_match_params *p, double jaccard, uint32_t na, uint32_t nb)
{
    if (na < p->min_shingles || nb < p->min_shingles) {
        return jaccard;
    }
    return nw_containment(jaccard, na, nb);
}

nw_relation nw_match_relation(const nw_match_params *p, double jaccard, double containment)
{
    if (containment >= p->dup_containment || jaccard >= p->dup_jaccard) {
        return NW_REL_DUPLICATE;
    }
    if (containment >= p->story_containment || jaccard >= p->story_jaccard) {
        return NW_REL_STORY;
    }
    return NW_REL_NONE;
}

static int cmp_candidates(const void *pa, const void *pb)
{
    const nw_candidate *a = pa, *b = pb;
    if ((a->relation != NW_REL_NONE) != (b->relation != NW_REL_NONE)) {
        return a->relation != NW_REL_NONE ? -1 : 1;
    }
    if (a->containment != b->containment) {
        return a->containment > b->containment ? -1 : 1;
    }
    /* equally contained: the closer copy (a short text is contained in its own copy and in
     * every longer version alike) */
    if (a->jaccard != b->jaccard) {
        return a->jaccard > b->jaccard ? -1 : 1;
    }
    if (a->first_seen_ms != b->first_seen_ms) {
        return a->first_seen_ms < b->first_seen_ms ? -1 : 1;
    }
    return strcmp(a->id, b->id);
}

static int older_story(const nw_candidate *a, const nw_candidate *b)
{
    if (a->story_first_ms != b->story_first_ms) {
        return a->story_first_ms < b->story_first_ms;
    }
    return strcmp(a->story_id, b->story_id) < 0;
}

void nw_decide(const nw_match_params *p, nw_candidate *c, size_t n, nw_decision *out)
{
    out->dup_of = -1;
    out->story_from = -1;
    out->nmatches = 0;
    for (size_t i = 0; i < n; i++) {
        c[i].relation = nw_match_relation(p, c[i].jaccard, c[i].containment);
    }
    if (n > 1) {
        qsort(c, n, sizeof *c, cmp_candidates);
    }
    for (size_t i = 0; i < n && c[i].relation != NW_REL_NONE; i++) {
        out->nmatches++;
        if (out->dup_of < 0 && c[i].relation == NW_REL_DUPLICATE) {
            out->dup_of = (int)i;
        }
        if (c[i].story_id && (out->story_from < 0 || older_story(&c[i], &c[out->story_from]))) {
            out->story_from = (int)i;
        }
    }
}
