/* sig_record.h - one article's record in the signature store, and its byte layout: the one
 * codec of the record. Written at claim time without a decision; the decision (story, ranked
 * earlier matches, merged stories, revised articles) is added once made and rewritten by each
 * revision, whose counter also invalidates a claim another writer still holds. Pure.
 * Layout, little endian:
 *   u8 version=5 | u32 revision | u32 shingles | i64 first_seen_ms | i64 order_ms | u16 id_len
 *   | u8 sig[128] | id | u16 n | n x u16 exact (sketch/exact_set.h) | u16 n | n x u16 masked
 *   | u16 n | n x u16 tops (a long text's anchors' top 16 bits, decide.h), then once decided:
 *   u8 'D' |
 * i64 story_order_ms | u16 len | story | u8 n | n x (i64 order_ms | f64 jaccard | f64 containment |
 * u8 relation | u16 len | id) | u8 n | n x (u16 len | merged story) | u16 n | n x (u16 len |
 * revised id) Version 4 (before 2026-12-03's tops) is the same without the tops, version 3
 * (before 2026-12-02's exact sets) without the exact and masked sets too: both still read, so
 * records in the window when the store is upgraded stay matchable (less exactly). */
#ifndef NW_SIG_RECORD_H
#define NW_SIG_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../sketch/minhash.h"
#include "decide.h"

#define NW_REC_MAX_MATCHES 32
#define NW_REC_MAX_MERGED 32
#define NW_REC_MAX_REVISED 256

/* Bytes that are not NUL-terminated; borrowed from whatever was decoded or from the caller. */
typedef struct nw_bytes {
    const char *p;
    size_t len;
} nw_bytes;

typedef struct nw_rec_match {
    nw_bytes id;
    int64_t order_ms;
    double jaccard, containment;
    nw_relation relation;
} nw_rec_match;

typedef struct nw_sig_record {
    uint32_t revision; /* 0 as first written; +1 at each rewrite */
    uint32_t shingles;
    int64_t first_seen_ms; /* first arrival */
    int64_t order_ms;      /* order.h */
    nw_bytes id;
    const uint8_t *sig;   /* NW_MINHASH_BINS 8-bit values */
    const uint8_t *exact; /* nexact little-endian u16: a short text's exact set, or none */
    size_t nexact;
    const uint8_t *masked; /* nmasked little-endian u16: the same, names and numbers masked */
    size_t nmasked;
    const uint8_t *tops; /* ntops little-endian u16: a long text's anchors' top halves */
    size_t ntops;
    int decided;
    /* the decision */
    int64_t story_order_ms; /* the story's earliest article's order time */
    nw_bytes story;         /* the story id: its earliest article */
    size_t nmatches;        /* earlier related articles, ranked (decide.h) */
    nw_rec_match matches[NW_REC_MAX_MATCHES];
    size_t nmerged; /* stories this article's arrival joined into its story */
    nw_bytes merged[NW_REC_MAX_MERGED];
    size_t nrevised; /* articles whose records this article's arrival revised */
    nw_bytes revised[NW_REC_MAX_REVISED];
} nw_sig_record;

/* Appends the record's bytes to 'out' (the decision only when r->decided). NW_OK or
 * NW_E_NOMEM. */
int nw_sig_record_encode(const nw_sig_record *r, nw_buf *out);

/* Reads a record; every nw_bytes points into buf. 0, or -1 when it is not a record. */
int nw_sig_record_decode(const char *buf, size_t len, nw_sig_record *r);

/* A record's u16 values (a short text's exact or masked set, a long text's tops) between
 * their values and the record's bytes: n little-endian u16 (n at most NW_EXACT_MAX, which
 * NW_ANCHORS_MAX does not exceed). */
void nw_sig_record_put_u16s(const uint16_t *v, size_t n, uint8_t *le);
void nw_sig_record_get_u16s(const uint8_t *le, size_t n, uint16_t *v);

#endif
