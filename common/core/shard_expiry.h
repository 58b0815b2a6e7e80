/* shard_expiry.h - which of a generation's shard keys still need their EXPIREAT. A store that
 * spreads a generation over many shard keys sets each key's expiry once a minute, not with
 * every entry it adds (an EXPIREAT per entry was a quarter of the signature store's commands).
 * A bit per shard; forgotten when the minute or the generation is over, or when a batch failed
 * (an EXPIREAT may not have run). Pure: the caller passes the time. */
#ifndef NW_SHARD_EXPIRY_H
#define NW_SHARD_EXPIRY_H

#include <stdint.h>

typedef struct nw_shard_expiry {
    uint8_t *set; /* a bit per shard: its expiry is set in generation gen */
    unsigned nshards;
    int64_t gen;
    double reset_at;
} nw_shard_expiry;

void nw_shard_expiry_init(nw_shard_expiry *e, unsigned nshards);
void nw_shard_expiry_release(nw_shard_expiry *e);

/* At a batch's start: forgets what was set when the minute (from now, seconds) or the
 * generation is over. */
void nw_shard_expiry_begin(nw_shard_expiry *e, int64_t gen, double now);

/* The same for what is due once a generation (a shard's sweep of older generations' entries):
 * forgets only when the generation is over. */
void nw_shard_expiry_begin_generation(nw_shard_expiry *e, int64_t gen);

/* Whether an entry added to this generation's shard must set the key's expiry (1, once until
 * forgotten), 0 if it is set, -1 when out of memory. */
int nw_shard_expiry_due(nw_shard_expiry *e, unsigned shard);

/* A batch failed: every expiry is set again. */
void nw_shard_expiry_forget(nw_shard_expiry *e);

#endif
