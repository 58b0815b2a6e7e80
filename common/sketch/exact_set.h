/* exact_set.h - the whole shingle set of a short text, 16 bits per shingle, so two short texts
 * are compared exactly instead of through 128 MinHash bins. On 100 shingles the 8-bit MinHash
 * estimate of Jaccard has a standard error of 0.04 and containment, scaled up from it, more:
 * short notices built on one template (earnings, dividends, filings) scatter across the story
 * threshold and chain unrelated articles into one story. Each value is the top 16 bits of the
 * shingle's anchor key (anchors.h): two short sets agree by chance on about
 * |A| x |B| / 65536 values (0.15 of 100 for two 100-shingle texts, 1 of 256 at the most), too
 * few to correct for (a correction would put identical texts below 1). Pure. */
#ifndef NW_EXACT_SET_H
#define NW_EXACT_SET_H

#include <stddef.h>
#include <stdint.h>

#define NW_EXACT_MAX 256 /* texts with more shingles have no exact set */

/* Writes the text's set (ascending, distinct) to 'out' (room for NW_EXACT_MAX) and returns its
 * size, or 0 when the text has more than NW_EXACT_MAX shingles (or none). 'keys', unless NULL,
 * gets each value's whole 32-bit anchor key (the first met of those sharing the value): what
 * counts a shingle's documents (match/common_text.h). */
size_t nw_exact_set(const uint64_t *shingles, size_t n, uint64_t seed, uint16_t *out,
                    uint32_t *keys);

/* Jaccard and containment of the smaller set in the larger, from two sets as above. */
void nw_exact_measure(const uint16_t *a, size_t na, const uint16_t *b, size_t nb, double *jaccard,
                      double *containment);

#endif
