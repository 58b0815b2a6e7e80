/* arena.h - bump allocation of strings and small structs that live until a reset: what a
 * batch reads from a store lives exactly one batch; what the HTML parser builds lives one page.
 * Blocks of 64 KiB; a request over 16 KiB gets a block of its own. */
#ifndef NW_ARENA_H
#define NW_ARENA_H

#include <stddef.h>

typedef struct nw_arena_block nw_arena_block;

typedef struct nw_arena {
    nw_arena_block *head;
} nw_arena;

void nw_arena_init(nw_arena *a);
void nw_arena_reset(nw_arena *a); /* frees every block */
/* Zeroed, aligned for any type; NULL when out of memory. */
void *nw_arena_alloc(nw_arena *a, size_t n);
/* The same, not zeroed: for what the caller fills whole (a decoded record is 6 KB). */
void *nw_arena_alloc_raw(nw_arena *a, size_t n);
/* A NUL-terminated copy of n bytes; NULL when out of memory. */
char *nw_arena_strndup(nw_arena *a, const char *p, size_t n);

#endif
