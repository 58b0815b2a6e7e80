/* le.h - little-endian integers in bytes, the order of every binary value we store (record
 * fields, bucket entries, story links). Pure; inline, as bucket entries are written per band
 * and anchor of every document. */
#ifndef NW_LE_H
#define NW_LE_H

#include <stdint.h>

/* Writes the low 'bytes' bytes of v (1..8) to p. */
static inline void nw_le_put(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

/* Reads 'bytes' bytes (1..8) at p. */
static inline uint64_t nw_le_get(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

#endif
