/* minhash.h - MinHash signatures by one-permutation hashing with optimal densification
 * (Shrivastava 2017): one hash per shingle instead of one per shingle and permutation, the
 * same estimator accuracy for K bins. Pure and deterministic for a given seed. */
#ifndef NW_MINHASH_H
#define NW_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#define NW_MINHASH_BINS 128 /* must be a power of two */

/* 'shingles' borrowed; 'sig' caller-owned with NW_MINHASH_BINS values. An empty set yields
 * a signature of all 0xFFFFFFFF (matches nothing but another empty set). No allocation. */
void nw_minhash_sign(const uint64_t *shingles, size_t n, uint64_t seed, uint32_t *sig);

/* The low 8 bits of each bin: the compact stored form (b-bit MinHash, Li and Konig). */
void nw_minhash_pack8(const uint32_t *sig, uint8_t *out);

/* Jaccard estimate from two 8-bit signatures: the share of equal bins, corrected for the
 * 1/256 chance that unequal minima agree in their low bits. */
double nw_minhash_jaccard8(const uint8_t *a, const uint8_t *b);

/* Containment of the smaller set in the larger, from Jaccard and the two set sizes:
 * |A n B| = J (|A| + |B|) / (1 + J); capped at 1. */
double nw_containment(double jaccard, uint32_t na, uint32_t nb);

#endif
