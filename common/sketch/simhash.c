/* simhash.c - per-bit majority vote; the inner loop is branch-free so the compiler can
 * vectorise it. */
#include "simhash.h"

uint64_t nw_simhash(const uint64_t *tokens, size_t n)
{
    uint32_t ones[64] = {0};
    for (size_t i = 0; i < n; i++) {
        uint64_t h = tokens[i];
        for (int b = 0; b < 64; b++) {
            ones[b] += (uint32_t)((h >> b) & 1);
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
