/* best_box.h - Readability's container scoring: every kept paragraph of text scores the box
 * (HTML element) around it, half that for the box around that, a sixth for the next; the
 * best-scoring box is where the article is. Pure; the table is kept between documents. */
#ifndef NW_BEST_BOX_H
#define NW_BEST_BOX_H

#include <stddef.h>
#include <stdint.h>

#include "paragraphs.h"

typedef struct nw_box_scores {
    uintptr_t *key; /* box id, 0 = empty slot */
    double *score;
    size_t cap; /* a power of two */
} nw_box_scores;

void nw_box_scores_release(nw_box_scores *b);

/* The best box of the paragraphs whose reason is 0 (kept); *best = 0 when none scores.
 * NW_OK or NW_E_NOMEM. */
int nw_best_box(nw_box_scores *b, const nw_paras *ps, const char *reasons, uintptr_t *best);

/* 1 when paragraph p lies in box. */
static inline int nw_para_in_box(const nw_para *p, uintptr_t box)
{
    for (int k = 0; box && k < NW_PARA_BOXES; k++) {
        if (p->box[k] == box) {
            return 1;
        }
    }
    return 0;
}

#endif
