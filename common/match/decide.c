/* decide.c - thresholds to relations; the ranking of matches; the choice of dup_of among the
 * earlier articles; and the merge of a late-found earlier article into a stored decision. */
#include "decide.h"

#include <stdlib.h>
#include <string.h>

#include "../sketch/minhash.h"
#include "order.h"

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

static int unit(double x)
{
    return x >= 0.0 && x <= 1.0;
}

const char *nw_match_params_check(const nw_match_params *p)
{
    if (!unit(p->dup_containment) || !unit(p->dup_jaccard) || !unit(p->story_containment) ||
        !unit(p->story_jaccard)) {
        return "the duplicate and story thresholds must each be between 0 and 1";
    }
    if (p->story_containment > p->dup_containment || p->story_jaccard > p->dup_jaccard) {
        return "a story threshold above its duplicate threshold would make duplicates that "
               "are not in one story";
    }
    return NULL;
}

/* a set too small for its containment to be trusted */
static int too_small(const nw_match_params *p, uint32_t na, uint32_t nb)
{
    return na < p->min_shingles || nb < p->min_shingles;
}

double nw_match_containment(const nw_match_params *p, double jaccard, uint32_t na, uint32_t nb)
{
    if (too_small(p, na, nb) || jaccard < NW_MATCH_MIN_JACCARD) {
        return jaccard;
    }
    return nw_containment(jaccard, na, nb);
}

double nw_match_exact_containment(const nw_match_params *p, double jaccard, double containment,
                                  uint32_t na, uint32_t nb)
{
    return too_small(p, na, nb) ? jaccard : containment;
}

void nw_match_sample(const uint16_t *exact, size_t nexact, const uint16_t *tops, size_t ntops,
                     unsigned *k, unsigned *m)
{
    *k = *m = 0;
    if (!ntops) {
        return;
    }
    uint16_t cut = tops[ntops - 1]; /* (its own top half may hold keys above the last anchor) */
    for (size_t i = 0, j = 0; i < nexact && exact[i] < cut; i++) {
        ++*m;
        while (j < ntops && tops[j] < exact[i]) {
            j++;
        }
        *k += j < ntops && tops[j] == exact[i];
    }
}

double nw_match_sampled_containment(double c, unsigned k, unsigned m)
{
    if (m >= NW_SAMPLE_ALONE) {
        return ((double)k + 4 * c) / ((double)m + 4);
    }
    double sampled = ((double)k + 2 * c) / ((double)m + 2);
    return sampled < c ? sampled : c;
}

int nw_match_is_template(double containment, double masked_containment)
{
    return containment < NW_TEMPLATE_SAME && masked_containment - containment >= NW_TEMPLATE_GAIN;
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

int nw_match_rank_cmp(const nw_candidate *a, const nw_candidate *b)
{
    if (a->relation != b->relation) {
        return a->relation > b->relation ? -1 : 1;
    }
    if (a->containment != b->containment) {
        return a->containment > b->containment ? -1 : 1;
    }
    if (a->jaccard != b->jaccard) {
        return a->jaccard > b->jaccard ? -1 : 1;
    }
    return nw_order_cmp(a->order_ms, a->id, b->order_ms, b->id);
}

static int group(const nw_candidate *c)
{
    if (c->relation == NW_REL_NONE) {
        return 2;
    }
    return c->earlier ? 0 : 1;
}

static int cmp_candidates(const void *pa, const void *pb)
{
    const nw_candidate *a = pa, *b = pb;
    int ga = group(a), gb = group(b);
    if (ga != gb) {
        return ga < gb ? -1 : 1;
    }
    return nw_match_rank_cmp(a, b);
}

void nw_decide(const nw_match_params *p, int64_t order_ms, const char *id, nw_candidate *c,
               size_t n, nw_decision *out)
{
    out->dup_of = -1;
    out->nmatches = 0;
    out->nlater = 0;
    for (size_t i = 0; i < n; i++) {
        c[i].relation = c[i].template || c[i].common
                            ? NW_REL_NONE
                            : nw_match_relation(p, c[i].jaccard, c[i].containment);
        c[i].earlier = nw_order_cmp(c[i].order_ms, c[i].id, order_ms, id) < 0;
        if (c[i].relation != NW_REL_NONE) {
            out->nmatches += c[i].earlier != 0;
            out->nlater += c[i].earlier == 0;
        }
    }
    if (n > 1) {
        qsort(c, n, sizeof *c, cmp_candidates);
    }
    if (out->nmatches && c[0].relation == NW_REL_DUPLICATE) {
        out->dup_of = 0;
    }
}

int nw_matches_insert(nw_candidate *list, size_t *n, size_t max, const nw_candidate *add)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(list[i].id, add->id) == 0) {
            return 0; /* known already: the same pair always measures the same */
        }
    }
    size_t at = 0;
    while (at < *n && nw_match_rank_cmp(&list[at], add) < 0) {
        at++;
    }
    if (at >= max) {
        return 0;
    }
    size_t keep = *n < max ? *n : max - 1;
    memmove(&list[at + 1], &list[at], (keep - at) * sizeof *list);
    list[at] = *add;
    list[at].earlier = 1;
    *n = keep + 1;
    return 1;
}
