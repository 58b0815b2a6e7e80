/* lsh.c - bucket entries, their shard, and the S-curve. */
#include "lsh.h"

#include <math.h>
#include <xxhash.h>

#include "../core/le.h"

void nw_lsh_entry(unsigned band, uint32_t value, uint64_t doc, int64_t gen, unsigned char *entry)
{
    entry[0] = (unsigned char)band;
    nw_le_put(entry + 1, value, 4);
    nw_le_put(entry + NW_LSH_BUCKET, doc, 8);
    if (gen >= 0) {
        entry[NW_LSH_ENTRY - 1] = (unsigned char)(gen & 0xFF);
    }
}

uint64_t nw_lsh_entry_doc(const unsigned char *entry, size_t len)
{
    return len == NW_LSH_ENTRY || len == NW_LSH_ENTRY_OLD ? nw_le_get(entry + NW_LSH_BUCKET, 8) : 0;
}

int nw_lsh_entry_gen(const unsigned char *entry, size_t len)
{
    return len == NW_LSH_ENTRY ? entry[NW_LSH_ENTRY - 1] : -1;
}

int nw_lsh_entry_live(const unsigned char *entry, size_t len, int64_t gen)
{
    int g = nw_lsh_entry_gen(entry, len);
    return g < 0 || g == (int)(gen & 0xFF) || g == (int)((gen - 1) & 0xFF);
}

unsigned nw_lsh_shard(const unsigned char *entry, unsigned shards)
{
    return (unsigned)(XXH3_64bits(entry, NW_LSH_BUCKET) % shards);
}

double nw_lsh_candidate_probability(double j, unsigned bands)
{
    return 1.0 - pow(1.0 - j, bands);
}
