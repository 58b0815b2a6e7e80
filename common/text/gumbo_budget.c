/* gumbo_budget.c - gumbo's allocator: arena memory, counted. */
#include "gumbo_budget.h"

static void *budget_alloc(void *userdata, size_t n)
{
    nw_gumbo_budget *b = userdata;
    if (n > b->limit - b->used) {
        longjmp(*b->over, 1);
    }
    void *p = nw_arena_alloc_raw(&b->arena, n);
    if (!p) {
        longjmp(*b->over, 1); /* gumbo cannot take NULL either */
    }
    b->used += n;
    return p;
}

static void budget_free(void *userdata, void *p)
{
    (void)userdata;
    (void)p; /* the arena goes whole at the end */
}

void nw_gumbo_budget_init(nw_gumbo_budget *b, size_t limit, jmp_buf *over, GumboOptions *opts)
{
    b->limit = limit;
    b->used = 0;
    nw_arena_init(&b->arena);
    b->over = over;
    *opts = kGumboDefaultOptions;
    opts->allocator = budget_alloc;
    opts->deallocator = budget_free;
    opts->userdata = b;
    opts->max_errors = 0;
}

void nw_gumbo_budget_release(nw_gumbo_budget *b)
{
    nw_arena_reset(&b->arena);
    b->used = 0;
}
