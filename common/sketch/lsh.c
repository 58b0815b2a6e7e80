/* lsh.c - bucket entries, their shard, and the S-curve. */
#include "lsh.h"

#include <math.h>
#include <xxhash.h>

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

void nw_lsh_entry(unsigned band, uint32_t value, uint64_t doc, unsigned char *entry)
{
    entry[0] = (unsigned char)band;
    put_le(entry + 1, value, 4);
    put_le(entry + NW_LSH_BUCKET, doc, 8);
}

uint64_t nw_lsh_entry_doc(const unsigned char *entry, size_t len)
{
    uint64_t v = 0;
    if (len != NW_LSH_ENTRY) {
        return 0;
    }
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)entry[NW_LSH_BUCKET + i] << (8 * i);
    }
    return v;
}

unsigned nw_lsh_shard(const unsigned char *entry, unsigned shards)
{
    return (unsigned)(XXH3_64bits(entry, NW_LSH_BUCKET) % shards);
}

double nw_lsh_candidate_probability(double j, unsigned bands)
{
    return 1.0 - pow(1.0 - j, bands);
}
