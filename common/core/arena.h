/* arena.h - bump allocation of strings and small structs that live until a reset: what a
 * batch reads from a store lives exactly one batch; what the HTML parser builds lives one page.
 * Blocks of 64 KiB; a request over 16 KiB gets a block of its own. A rewind keeps blocks of up
 * to NW_ARENA_SPARE bytes in all for the next batch: glibc consolidates its whole heap on every
 * free of a 64 KiB chunk, which made freeing and taking again a batch's blocks 5% of cluster's
 * CPU. */
#ifndef NW_ARENA_H
#define NW_ARENA_H

#include <stddef.h>

typedef struct nw_arena_block nw_arena_block;

#define NW_ARENA_SPARE ((size_t)4 << 20)

typedef struct nw_arena {
    nw_arena_block *head;
    nw_arena_block *spare; /* kept by a rewind, taken before malloc */
    size_t spare_bytes;
} nw_arena;

void nw_arena_init(nw_arena *a);
void nw_arena_reset(nw_arena *a); /* frees every block */
/* Everything allocated is gone, as after a reset, but blocks of up to NW_ARENA_SPARE bytes
 * are kept to be used again. */
void nw_arena_rewind(nw_arena *a);
/* Zeroed, aligned for any type; NULL when out of memory. */
void *nw_arena_alloc(nw_arena *a, size_t n);
/* The same, not zeroed: for what the caller fills whole (a decoded record is 6 KB). */
void *nw_arena_alloc_raw(nw_arena *a, size_t n);
/* A NUL-terminated copy of n bytes; NULL when out of memory. */
char *nw_arena_strndup(nw_arena *a, const char *p, size_t n);

#endif
