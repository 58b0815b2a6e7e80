/* gumbo_budget.h - gumbo's memory, from an arena and capped. gumbo takes an allocator; ours
 * hands out arena memory (no per-block header or malloc call: gumbo makes millions of small
 * blocks) and, when the bytes handed out would pass the budget, jumps back to the caller's
 * setjmp, which frees the arena and refuses the page. gumbo frees little before the end of a
 * parse (what it hands back is 10-60% more than it holds at its peak on real and hostile
 * pages), so its frees are ignored until the whole arena goes. The pre-scan (html_scan.h)
 * refuses the shapes known to be costly quickly; this bounds the ones it does not know. */
#ifndef NW_GUMBO_BUDGET_H
#define NW_GUMBO_BUDGET_H

#include <gumbo.h>
#include <setjmp.h>
#include <stddef.h>

#include "../core/arena.h"

typedef struct nw_gumbo_budget {
    size_t limit; /* bytes gumbo may be handed */
    size_t used;  /* bytes handed out so far */
    nw_arena arena;
    jmp_buf *over; /* where to go when the limit would be passed */
} nw_gumbo_budget;

/* A budget of limit bytes that longjmps to *over (value 1) when passed; opts becomes a copy of
 * kGumboDefaultOptions using it, with parse errors not recorded (we never read them, and gumbo
 * copies the stack of open elements into each: 1.45 GB on a 1 MB page of misnested tags). */
void nw_gumbo_budget_init(nw_gumbo_budget *b, size_t limit, jmp_buf *over, GumboOptions *opts);

/* Frees everything gumbo was handed (after the jump, or after gumbo_destroy_output). */
void nw_gumbo_budget_release(nw_gumbo_budget *b);

#endif
