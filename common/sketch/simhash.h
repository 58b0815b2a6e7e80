/* simhash.h - 64-bit SimHash over token hashes (Charikar): near-identical texts get
 * fingerprints a few bits apart. Pure, no allocation. */
#ifndef NW_SIMHASH_H
#define NW_SIMHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t nw_simhash(const uint64_t *tokens, size_t n);
int nw_simhash_distance(uint64_t a, uint64_t b);

#endif
