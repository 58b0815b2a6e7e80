/* common_text.c - the counting sketch's slots and the shared-text rule (common_text.h). */
#include "common_text.h"

#include "../sketch/mix.h"

uint32_t nw_common_slot(uint32_t key, unsigned slots_log2)
{
    /* the anchor key is already a hash; mixed again so the counters do not line up with the
     * exact sets' values (the key's top half) */
    uint64_t h = nw_mix64((uint64_t)key * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
    return slots_log2 >= 32 ? (uint32_t)h : (uint32_t)h & ((1u << slots_log2) - 1);
}

int nw_common_only(const uint16_t *a, const uint8_t *a_common, size_t na, const uint16_t *b,
                   size_t nb, double least)
{
    size_t common_a = 0, shared_common = 0, shared_rare = 0;
    for (size_t i = 0; i < na; i++) {
        common_a += a_common[i] != 0;
    }
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (a[i] == b[j]) {
            shared_common += a_common[i] != 0;
            shared_rare += a_common[i] == 0;
            i++, j++;
        } else {
            a[i] < b[j] ? i++ : j++;
        }
    }
    size_t rare_a = na - common_a, rare_b = nb - shared_common;
    if (!shared_common || !rare_a || !rare_b) {
        return 0;
    }
    size_t small = rare_a < rare_b ? rare_a : rare_b;
    return (double)shared_rare < least * (double)small;
}
