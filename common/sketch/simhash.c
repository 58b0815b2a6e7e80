/* simhash.c - per-bit majority vote. Bit counts are kept eight to a 64-bit word (one byte
 * lane per bit of a hash byte), so a token costs 8 additions instead of 64; lanes are
 * flushed into 32-bit counters before they can overflow. */
#include "simhash.h"

/* spread[x]: byte lane i holds bit i of x */
static uint64_t spread(unsigned x)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)((x >> i) & 1) << (8 * i);
    }
    return v;
}

uint64_t nw_simhash(const uint64_t *tokens, size_t n)
{
    static uint64_t table[256];
    static int ready;
    if (!ready) { /* idempotent: racing initialisers write the same values */
        for (unsigned x = 0; x < 256; x++) {
            table[x] = spread(x);
        }
        ready = 1;
    }
    uint32_t ones[64] = {0};
    uint64_t lanes[8] = {0};
    unsigned pending = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = tokens[i];
        for (int k = 0; k < 8; k++) {
            lanes[k] += table[(h >> (8 * k)) & 0xFF];
        }
        if (++pending == 255 || i + 1 == n) {
            for (int k = 0; k < 8; k++) {
                for (int b = 0; b < 8; b++) {
                    ones[8 * k + b] += (uint32_t)((lanes[k] >> (8 * b)) & 0xFF);
                }
                lanes[k] = 0;
            }
            pending = 0;
        }
    }
    uint64_t out = 0;
    for (int b = 0; b < 64; b++) {
        if (2 * (uint64_t)ones[b] > n) {
            out |= 1ULL << b;
        }
    }
    return out;
}

int nw_simhash_distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}
