/* mix.h - the 64-bit finaliser the sketches share (splitmix64's): full avalanche, so any bits
 * of its output are independent of any others. Pure. */
#ifndef NW_MIX_H
#define NW_MIX_H

#include <stdint.h>

static inline uint64_t nw_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

#endif
