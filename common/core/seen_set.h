/* seen_set.h - a set of 64-bit hashes that says whether one was added before: open
 * addressing, doubling at half full, 8 bytes an entry. For "was this id sent earlier in this
 * run" over millions of ids. Zero is a valid hash (kept apart). Pure. */
#ifndef NW_SEEN_SET_H
#define NW_SEEN_SET_H

#include <stddef.h>
#include <stdint.h>

typedef struct nw_seen_set {
    uint64_t *slots;
    size_t cap, n;
    int has_zero;
} nw_seen_set;

void nw_seen_set_init(nw_seen_set *s);
void nw_seen_set_release(nw_seen_set *s);

/* Adds h: 1 if it was there already, 0 if new, -1 when out of memory. */
int nw_seen_set_add(nw_seen_set *s, uint64_t h);

#endif
