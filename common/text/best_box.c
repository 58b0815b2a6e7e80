/* best_box.c - the scores in an open-addressing table keyed by box id. */
#include "best_box.h"

#include <stdlib.h>
#include <string.h>

#include "../core/nw_error.h"

void nw_box_scores_release(nw_box_scores *b)
{
    free(b->key);
    free(b->score);
    memset(b, 0, sizeof *b);
}

/* a paragraph's worth: one, one per comma, one per 100 bytes up to three (Readability) */
static double paragraph_score(const char *s, size_t n)
{
    double sc = 1;
    for (size_t k = 0; k < n; k++) {
        sc += s[k] == ',';
    }
    return sc + (n / 100 < 3 ? (double)(n / 100) : 3);
}

int nw_best_box(nw_box_scores *b, const nw_paras *ps, const char *reasons, uintptr_t *best)
{
    size_t want = 16;
    while (want < 8 * ps->n) {
        want *= 2;
    }
    if (want > b->cap) {
        nw_box_scores_release(b);
        b->key = malloc(want * sizeof *b->key);
        b->score = malloc(want * sizeof *b->score);
        if (!b->key || !b->score) {
            nw_box_scores_release(b);
            return NW_E_NOMEM;
        }
        b->cap = want;
    }
    memset(b->key, 0, b->cap * sizeof *b->key);
    double top = 0;
    *best = 0;
    for (size_t i = 0; i < ps->n; i++) {
        const nw_para *p = &ps->v[i];
        if (reasons[i] != 0 || p->len < 25) {
            continue;
        }
        double sc = paragraph_score(nw_para_str(ps, i), p->len);
        for (int lvl = 0; lvl < 3 && p->box[lvl]; lvl++) {
            size_t h = (size_t)(p->box[lvl] >> 4) & (b->cap - 1);
            while (b->key[h] && b->key[h] != p->box[lvl]) {
                h = (h + 1) & (b->cap - 1);
            }
            if (!b->key[h]) {
                b->key[h] = p->box[lvl];
                b->score[h] = 0;
            }
            b->score[h] += lvl == 0 ? sc : lvl == 1 ? sc / 2 : sc / (3.0 * lvl);
            if (b->score[h] > top) {
                top = b->score[h];
                *best = b->key[h];
            }
        }
    }
    return NW_OK;
}
