/* sort_u32.h - a stable radix sort of 32-bit values by their bits from low_bit up, 8 bits a
 * counting pass, no comparisons: for the short sorts the sketches and the store do per document
 * and per batch (qsort's calls were half of fingerprinting a short text). Pure, no allocation:
 * the caller gives room for n values in tmp. */
#ifndef NW_SORT_U32_H
#define NW_SORT_U32_H

#include <stddef.h>
#include <stdint.h>

/* low_bit: 0 sorts by the whole value, 16 by the top half (keys with equal top halves keep
 * their order); a multiple of 8. */
void nw_sort_u32(uint32_t *v, uint32_t *tmp, size_t n, unsigned low_bit);

#endif
