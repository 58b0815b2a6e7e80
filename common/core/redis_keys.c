/* redis_keys.c - the formats of redis_keys.h. */
#include "redis_keys.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

char *nw_key_record(char *out, size_t cap, const char *prefix, uint64_t h)
{
    snprintf(out, cap, "%ss:%016" PRIx64, prefix, h);
    return out;
}

char *nw_key_bucket(char *out, size_t cap, const char *prefix, int64_t gen, unsigned shard)
{
    snprintf(out, cap, "%sb:%" PRId64 ":%u", prefix, gen, shard);
    return out;
}

char *nw_key_common(char *out, size_t cap, const char *prefix, int64_t gen, unsigned shard)
{
    snprintf(out, cap, "%sc:%" PRId64 ":%u", prefix, gen, shard);
    return out;
}

char *nw_key_inserted(char *out, size_t cap, const char *prefix, int64_t gen)
{
    snprintf(out, cap, "%sn:%" PRId64, prefix, gen);
    return out;
}

char *nw_key_link(char *out, size_t cap, const char *prefix, const char *kind, uint64_t h)
{
    snprintf(out, cap, "%s%s:%016" PRIx64, prefix, kind, h);
    return out;
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
    snprintf(out, cap, "%sa:%016" PRIx64, prefix, h);
    return out;
}

char *nw_key_counted(char *out, size_t cap, const char *prefix, int64_t gen, unsigned shard)
{
    snprintf(out, cap, "%sdf:seen:%" PRId64 ":%u", prefix, gen, shard);
    return out;
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
