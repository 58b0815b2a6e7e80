/* redis_keys.c - the formats of redis_keys.h. The keys named for every band and shingle of
 * every document (records, buckets, counters) are put together by hand: snprintf's format
 * parsing was 8% of cluster's CPU. */
#include "redis_keys.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "decimal.h"

/* A key being written into out[cap]: parts appended while there is room, always terminated. */
typedef struct key {
    char *out;
    size_t cap, len;
} key;

static void put(key *k, const char *s, size_t n)
{
    size_t room = k->cap - 1 - k->len; /* (cap >= 1: the callers' buffers) */
    n = n < room ? n : room;
    memcpy(k->out + k->len, s, n);
    k->len += n;
    k->out[k->len] = '\0';
}

static void put_str(key *k, const char *s)
{
    put(k, s, strlen(s));
}

static void put_dec(key *k, int64_t v)
{
    char tmp[1 + NW_DECIMAL_MAX];
    size_t n = 0;
    if (v < 0) {
        tmp[n++] = '-';
    }
    n += nw_decimal(tmp + n, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    put(k, tmp, n);
}

static void put_hex16(key *k, uint64_t h)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    for (int i = 15; i >= 0; i--, h >>= 4) {
        tmp[i] = digits[h & 15];
    }
    put(k, tmp, sizeof tmp);
}

/* "<prefix><kind>:" begun in out */
static key begin(char *out, size_t cap, const char *prefix, const char *kind)
{
    key k = {out, cap, 0};
    out[0] = '\0';
    put_str(&k, prefix);
    put_str(&k, kind);
    put(&k, ":", 1);
    return k;
}

/* prefix, kind, then ":" and a 16-digit hash */
static char *hashed(char *out, size_t cap, const char *prefix, const char *kind, uint64_t h)
{
    key k = begin(out, cap, prefix, kind);
    put_hex16(&k, h);
    return out;
}

/* prefix, kind, then ":<gen>:<shard>" */
static char *sharded(char *out, size_t cap, const char *prefix, const char *kind, int64_t gen,
                     unsigned shard)
{
    key k = begin(out, cap, prefix, kind);
    put_dec(&k, gen);
    put(&k, ":", 1);
    put_dec(&k, shard);
    return out;
}

char *nw_key_record(char *out, size_t cap, const char *prefix, uint64_t h)
{
    return hashed(out, cap, prefix, "s", h);
}

char *nw_key_bucket_shard(char *out, size_t cap, const char *prefix, unsigned shard)
{
    key k = begin(out, cap, prefix, "bs"); /* one per band and anchor: by hand, see above */
    put_dec(&k, shard);
    return out;
}

char *nw_key_bucket(char *out, size_t cap, const char *prefix, int64_t gen, unsigned shard)
{
    return sharded(out, cap, prefix, "b", gen, shard);
}

char *nw_key_bucket_layout(char *out, size_t cap, const char *prefix)
{
    snprintf(out, cap, "%sbl", prefix);
    return out;
}

char *nw_key_common(char *out, size_t cap, const char *prefix, int64_t gen, unsigned shard)
{
    return sharded(out, cap, prefix, "c", gen, shard);
}

char *nw_key_inserted(char *out, size_t cap, const char *prefix, int64_t gen)
{
    snprintf(out, cap, "%sn:%" PRId64, prefix, gen);
    return out;
}

char *nw_key_link(char *out, size_t cap, const char *prefix, const char *kind, uint64_t h)
{
    return hashed(out, cap, prefix, kind, h);
}

char *nw_key_story(char *out, size_t cap, const char *prefix, const char *story)
{
    snprintf(out, cap, "%ssh:%s", prefix, story);
    return out;
}

unsigned nw_recent_shard(const char *story)
{
    return (unsigned)(XXH3_64bits(story, strlen(story)) % NW_RECENT_SHARDS);
}

char *nw_key_recent(char *out, size_t cap, const char *prefix, unsigned shard)
{
    snprintf(out, cap, "%ssr:%u", prefix, shard);
    return out;
}

char *nw_key_article(char *out, size_t cap, const char *prefix, uint64_t h)
{
    return hashed(out, cap, prefix, "a", h);
}

char *nw_key_counted(char *out, size_t cap, const char *prefix, int64_t gen, unsigned shard)
{
    return sharded(out, cap, prefix, "df:seen", gen, shard);
}

char *nw_key_df(char *out, size_t cap, const char *prefix, int64_t gen)
{
    snprintf(out, cap, "%sdf:%" PRId64, prefix, gen);
    return out;
}

char *nw_key_df_docs(char *out, size_t cap, const char *prefix, int64_t gen)
{
    snprintf(out, cap, "%sdf:n:%" PRId64, prefix, gen);
    return out;
}
