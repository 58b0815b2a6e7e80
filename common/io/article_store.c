/* article_store.c - SET with EX per card, GET per card, one pipelined round each way. Cards
 * are stored as zstd frames (level 1: a Reuters card of 945 bytes takes 577, and a card is the
 * largest thing the window holds per article); a card stored as plain JSON before is read as
 * it is (a frame starts with zstd's magic number, a card with '{'). */
#include "article_store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "metrics.h"

#include "../core/buf.h"
#include "../core/le.h"
#include "../core/nw_error.h"
#include "../core/redis_keys.h"

struct nw_article_store {
    nw_redis *r;
    char prefix[64];
    char ttl[24];
    redisReply **got; /* the last read's replies */
    size_t ngot, got_cap;
    ZSTD_CCtx *zc; /* kept across batches: a context is ~1 MB to set up */
    ZSTD_DCtx *zd;
    nw_buf packed;   /* a batch's frames, back to back */
    nw_buf unpacked; /* the last read's cards, each NUL-terminated */
    /* one index array for both directions: a write's frame bounds in packed (n + 1), a
     * read's card starts in unpacked (SIZE_MAX: a card left where Redis's reply has it) */
    size_t *offs, offs_cap;
};

/* A card decompressed past this is refused (a frame in Redis claiming more is not ours). */
#define CARD_MAX ((unsigned long long)8 << 20)

nw_article_store *nw_article_store_new(nw_redis *r, const char *prefix, long long window_s,
                                       nw_err *err)
{
    nw_article_store *s = calloc(1, sizeof *s);
    if (!s) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    nw_buf_init(&s->packed);
    nw_buf_init(&s->unpacked);
    s->r = r;
    snprintf(s->prefix, sizeof s->prefix, "%s", prefix);
    snprintf(s->ttl, sizeof s->ttl, "%lld", window_s);
    return s;
}

static void release(nw_article_store *s)
{
    for (size_t i = 0; i < s->ngot; i++) {
        if (s->got[i]) {
            freeReplyObject(s->got[i]);
        }
    }
    s->ngot = 0;
}

void nw_article_store_free(nw_article_store *s)
{
    if (s) {
        release(s);
        free(s->got);
        ZSTD_freeCCtx(s->zc);
        ZSTD_freeDCtx(s->zd);
        nw_buf_release(&s->packed);
        nw_buf_release(&s->unpacked);
        free(s->offs);
        free(s);
    }
}

static void card_key(const nw_article_store *s, const char *id, char *key, size_t cap)
{
    nw_key_article(key, cap, s->prefix, XXH3_64bits(id, strlen(id)));
}

/* Compresses n cards into s->packed: card i is bytes offs[i] to offs[i + 1]. */
static int pack(nw_article_store *s, const char *const *cards, const size_t *lens, size_t n,
                nw_err *err)
{
    if ((!s->zc && !(s->zc = ZSTD_createCCtx())) ||
        nw_array_reserve((void **)&s->offs, &s->offs_cap, n + 1, sizeof *s->offs) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    nw_buf_reset(&s->packed);
    s->offs[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t bound = ZSTD_compressBound(lens[i]);
        if (nw_buf_reserve(&s->packed, bound) != NW_OK) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        size_t got =
            ZSTD_compressCCtx(s->zc, s->packed.data + s->packed.len, bound, cards[i], lens[i], 1);
        if (ZSTD_isError(got)) {
            return nw_err_set(err, NW_E_FATAL, "card_compress", "zstd: %s", ZSTD_getErrorName(got));
        }
        s->packed.len += got;
        s->offs[i + 1] = s->packed.len;
    }
    return NW_OK;
}

/* Unpacks the frames among the n cards read into s->unpacked and points cards[] there; plain
 * cards stay where they are. A frame that does not decompress (not ours) reads as no card. */
static int unpack(nw_article_store *s, const char **cards, size_t *lens, size_t n, nw_err *err)
{
    nw_buf_reset(&s->unpacked);
    if (nw_array_reserve((void **)&s->offs, &s->offs_cap, n + 1, sizeof *s->offs) != NW_OK ||
        (!s->zd && !(s->zd = ZSTD_createDCtx()))) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    size_t *at = s->offs; /* where each frame's card starts in s->unpacked */
    for (size_t i = 0; i < n; i++) {
        at[i] = SIZE_MAX;
        if (!cards[i] || lens[i] < 4 ||
            nw_le_get((const unsigned char *)cards[i], 4) != ZSTD_MAGICNUMBER) {
            continue;
        }
        unsigned long long size = ZSTD_getFrameContentSize(cards[i], lens[i]);
        if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR || size > CARD_MAX) {
            cards[i] = NULL, lens[i] = 0;
            continue;
        }
        if (nw_buf_reserve(&s->unpacked, (size_t)size + 1) != NW_OK) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        size_t got = ZSTD_decompressDCtx(s->zd, s->unpacked.data + s->unpacked.len, (size_t)size,
                                         cards[i], lens[i]);
        if (ZSTD_isError(got) || got != size) {
            cards[i] = NULL, lens[i] = 0;
            continue;
        }
        at[i] = s->unpacked.len;
        lens[i] = got;
        s->unpacked.len += got;
        s->unpacked.data[s->unpacked.len++] = '\0';
    }
    for (size_t i = 0; i < n; i++) { /* pointers once the buffer has stopped moving */
        if (at[i] != SIZE_MAX) {
            cards[i] = s->unpacked.data + at[i];
        }
    }
    return NW_OK;
}

int nw_article_store_put(nw_article_store *s, const char *const *ids, const char *const *cards,
                         const size_t *lens, size_t n, nw_err *err)
{
    if (!n) {
        return NW_OK;
    }
    int rc = pack(s, cards, lens, n, err);
    if (rc != NW_OK || (rc = nw_redis_connect(s->r, err)) != NW_OK) {
        return rc;
    }
    double t0 = nw_now_seconds();
    for (size_t i = 0; i < n; i++) {
        char key[96];
        card_key(s, ids[i], key, sizeof key);
        const char *av[] = {"SET", key, s->packed.data + s->offs[i], "EX", s->ttl};
        size_t al[] = {3, strlen(key), s->offs[i + 1] - s->offs[i], 2, strlen(s->ttl)};
        if (nw_redis_append(s->r, 5, av, al) < 0) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
    }
    rc = nw_redis_exec_all(s->r, "article cards", err);
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    return rc;
}

int nw_article_store_get(nw_article_store *s, const char *const *ids, size_t n, const char **cards,
                         size_t *lens, nw_err *err)
{
    release(s);
    if (!n) {
        return NW_OK;
    }
    if (nw_array_reserve((void **)&s->got, &s->got_cap, n, sizeof *s->got) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    int rc = nw_redis_connect(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    long first = -1;
    for (size_t i = 0; i < n; i++) {
        char key[96];
        card_key(s, ids[i], key, sizeof key);
        long t = nw_redis_append(s->r, 2, (const char *[]){"GET", key}, NULL);
        if (t < 0) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        first = first < 0 ? t : first;
    }
    rc = nw_redis_exec_all(s->r, "reading article cards", err);
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        redisReply *r = s->got[s->ngot++] = nw_redis_take(s->r, first + (long)i);
        int found = r && r->type == REDIS_REPLY_STRING;
        cards[i] = found ? r->str : NULL;
        lens[i] = found ? r->len : 0;
    }
    return rc == NW_OK ? unpack(s, cards, lens, n, err) : rc;
}
