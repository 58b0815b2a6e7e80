/* lsh.h - LSH banding over 16-bit MinHash signatures: bands x rows <= NW_MINHASH_BINS; each
 * band's rows hash to one 64-bit bucket key. Two documents become candidates when any band
 * key is equal. Pure. */
#ifndef NW_LSH_H
#define NW_LSH_H

#include <stddef.h>
#include <stdint.h>

/* 'keys' caller-owned with room for 'bands' values. Returns -1 if bands*rows is out of range. */
int nw_lsh_band_keys(const uint16_t *sig, unsigned bands, unsigned rows, uint64_t *keys);

/* Probability that a pair of Jaccard j shares at least one band: 1 - (1 - j^r)^b. */
double nw_lsh_candidate_probability(double j, unsigned bands, unsigned rows);

#endif
