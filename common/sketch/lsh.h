/* lsh.h - LSH banding with one MinHash bin per band (r = 1): two documents fall into the same
 * bucket of band b when they share bin b's minimum shingle, which happens with probability J.
 * A bucket entry is 14 bytes, <band u8><bin value u32 LE><document u64 LE><generation u8>; its
 * first 5 bytes name the bucket, so one bucket is one prefix range of a sorted set, and its
 * last byte the window generation it was added in (the low 8 bits), so one sorted set holds a
 * bucket's entries of this generation and the last, and one range read finds both. Entries
 * before 2026-12-04 had no generation byte (13 bytes: a sorted set per generation). Pure. */
#ifndef NW_LSH_H
#define NW_LSH_H

#include <stddef.h>
#include <stdint.h>

#define NW_LSH_ENTRY 14     /* bytes of a bucket entry */
#define NW_LSH_ENTRY_OLD 13 /* ... of one from before the generation byte */
#define NW_LSH_BUCKET 5     /* bytes naming its bucket */
/* The "band" of anchor entries (anchors.h): <0x80><anchor key u32 LE><document u64 LE>, so
 * anchors share the bands' sorted sets and never their buckets. */
#define NW_LSH_ANCHOR_BAND 0x80

/* The entry of 'doc' in band 'band' of a signature of 32-bit bin values, added in window
 * generation 'gen' (NW_LSH_ENTRY bytes); gen < 0 writes the old entry (NW_LSH_ENTRY_OLD). */
void nw_lsh_entry(unsigned band, uint32_t value, uint64_t doc, int64_t gen, unsigned char *entry);

/* The document an entry names; 0 when the bytes are not an entry. */
uint64_t nw_lsh_entry_doc(const unsigned char *entry, size_t len);

/* The generation byte of an entry; -1 for an old entry (its sorted set is its generation's). */
int nw_lsh_entry_gen(const unsigned char *entry, size_t len);

/* Whether an entry belongs to generation 'gen' or the one before: the window. An old entry
 * always does (its sorted set expires with its generation). */
int nw_lsh_entry_live(const unsigned char *entry, size_t len, int64_t gen);

/* Which of 'shards' sorted sets holds the entry's bucket. */
unsigned nw_lsh_shard(const unsigned char *entry, unsigned shards);

/* Probability that a pair of Jaccard j shares at least one of 'bands' buckets: 1-(1-j)^bands. */
double nw_lsh_candidate_probability(double j, unsigned bands);

#endif
