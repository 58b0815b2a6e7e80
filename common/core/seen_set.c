/* seen_set.c - linear probing over a power-of-two table; 0 marks an empty slot. */
#include "seen_set.h"

#include <stdlib.h>

void nw_seen_set_init(nw_seen_set *s)
{
    s->slots = NULL;
    s->cap = s->n = 0;
    s->has_zero = 0;
}

void nw_seen_set_release(nw_seen_set *s)
{
    free(s->slots);
    nw_seen_set_init(s);
}

/* Slot of h: where it is, or the empty one where it goes. */
static size_t find(const uint64_t *slots, size_t cap, uint64_t h)
{
    size_t i = (size_t)(h ^ (h >> 29)) & (cap - 1);
    while (slots[i] && slots[i] != h) {
        i = (i + 1) & (cap - 1);
    }
    return i;
}

static int grow(nw_seen_set *s)
{
    size_t cap = s->cap ? 2 * s->cap : 1024;
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots) {
        return -1;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (s->slots[i]) {
            slots[find(slots, cap, s->slots[i])] = s->slots[i];
        }
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

int nw_seen_set_add(nw_seen_set *s, uint64_t h)
{
    if (h == 0) {
        int was = s->has_zero;
        s->has_zero = 1;
        return was;
    }
    if (2 * (s->n + 1) > s->cap && grow(s) != 0) {
        return -1;
    }
    size_t i = find(s->slots, s->cap, h);
    if (s->slots[i]) {
        return 1;
    }
    s->slots[i] = h;
    s->n++;
    return 0;
}
