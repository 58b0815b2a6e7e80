/* sort_u32.c - least significant byte first, each pass stable (sort_u32.h). */
#include "sort_u32.h"

#include <string.h>

void nw_sort_u32(uint32_t *v, uint32_t *tmp, size_t n, unsigned low_bit)
{
    uint32_t *from = v, *to = tmp;
    for (unsigned shift = low_bit; shift < 32; shift += 8) {
        size_t at[257] = {0};
        for (size_t i = 0; i < n; i++) {
            at[((from[i] >> shift) & 0xff) + 1]++;
        }
        for (int b = 0; b < 256; b++) {
            at[b + 1] += at[b];
        }
        for (size_t i = 0; i < n; i++) {
            to[at[(from[i] >> shift) & 0xff]++] = from[i];
        }
        uint32_t *t = from;
        from = to;
        to = t;
    }
    if (from != v) { /* an odd number of passes */
        memcpy(v, from, n * sizeof *v);
    }
}
