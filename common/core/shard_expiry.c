/* shard_expiry.c - a bitmap per generation, cleared once a minute. */
#include "shard_expiry.h"

#include <stdlib.h>
#include <string.h>

void nw_shard_expiry_init(nw_shard_expiry *e, unsigned nshards)
{
    *e = (nw_shard_expiry){.nshards = nshards, .gen = -1};
}

void nw_shard_expiry_release(nw_shard_expiry *e)
{
    free(e->set);
    nw_shard_expiry_init(e, e->nshards);
}

void nw_shard_expiry_begin(nw_shard_expiry *e, int64_t gen, double now)
{
    if (gen != e->gen || now >= e->reset_at) {
        nw_shard_expiry_forget(e);
        e->gen = gen;
        e->reset_at = now + 60;
    }
}

void nw_shard_expiry_begin_generation(nw_shard_expiry *e, int64_t gen)
{
    if (gen != e->gen) {
        nw_shard_expiry_forget(e);
        e->gen = gen;
    }
}

int nw_shard_expiry_due(nw_shard_expiry *e, unsigned shard)
{
    if (!e->set && !(e->set = calloc(e->nshards / 8 + 1, 1))) {
        return -1;
    }
    uint8_t bit = (uint8_t)(1u << (shard % 8));
    if (e->set[shard / 8] & bit) {
        return 0;
    }
    e->set[shard / 8] |= bit;
    return 1;
}

void nw_shard_expiry_forget(nw_shard_expiry *e)
{
    if (e->set) {
        memset(e->set, 0, e->nshards / 8 + 1);
    }
}
