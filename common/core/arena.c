/* arena.c - a list of blocks, newest first; a reset frees them all, a rewind keeps some. */
#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define NW_ARENA_BLOCK 65536

struct nw_arena_block {
    nw_arena_block *next;
    size_t used, cap;
    alignas(max_align_t) char data[];
};

void nw_arena_init(nw_arena *a)
{
    a->head = a->spare = NULL;
    a->spare_bytes = 0;
}

void nw_arena_rewind(nw_arena *a)
{
    while (a->head) {
        nw_arena_block *b = a->head;
        a->head = b->next;
        if (a->spare_bytes + b->cap <= NW_ARENA_SPARE) {
            b->next = a->spare;
            a->spare = b;
            a->spare_bytes += b->cap;
        } else {
            free(b); /* more than a batch needs again */
        }
    }
}

void nw_arena_reset(nw_arena *a)
{
    nw_arena_rewind(a);
    while (a->spare) {
        nw_arena_block *next = a->spare->next;
        free(a->spare);
        a->spare = next;
    }
    a->spare_bytes = 0;
}

/* The smallest kept block with room for cap bytes, or a new one; NULL when out of memory. */
static nw_arena_block *new_block(nw_arena *a, size_t cap)
{
    nw_arena_block **best = NULL;
    for (nw_arena_block **p = &a->spare; *p; p = &(*p)->next) {
        if ((*p)->cap >= cap && (!best || (*p)->cap < (*best)->cap)) {
            best = p;
        }
    }
    if (best) {
        nw_arena_block *b = *best;
        *best = b->next;
        a->spare_bytes -= b->cap;
        b->used = 0;
        return b;
    }
    nw_arena_block *b = malloc(sizeof *b + cap);
    if (b) {
        b->used = 0;
        b->cap = cap;
    }
    return b;
}

void *nw_arena_alloc(nw_arena *a, size_t n)
{
    void *out = nw_arena_alloc_raw(a, n);
    if (out) {
        memset(out, 0, n);
    }
    return out;
}

void *nw_arena_alloc_raw(nw_arena *a, size_t n)
{
    size_t need = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    if (need > NW_ARENA_BLOCK / 4) {
        /* a block of its own, behind the head: the head's free room stays in use */
        nw_arena_block *b = new_block(a, need);
        if (!b) {
            return NULL;
        }
        b->used = b->cap;
        b->next = a->head ? a->head->next : NULL;
        *(a->head ? &a->head->next : &a->head) = b;
        return b->data;
    }
    if (!a->head || a->head->cap - a->head->used < need) {
        nw_arena_block *b = new_block(a, NW_ARENA_BLOCK);
        if (!b) {
            return NULL;
        }
        b->next = a->head;
        a->head = b;
    }
    char *out = a->head->data + a->head->used;
    a->head->used += need;
    return out;
}

char *nw_arena_strndup(nw_arena *a, const char *p, size_t n)
{
    char *out = nw_arena_alloc_raw(a, n + 1);
    if (out) {
        memcpy(out, p, n);
        out[n] = '\0';
    }
    return out;
}
