/* sig_record.c - the record's bytes (sig_record.h); decoding checks every length first. */
#include "sig_record.h"

#include <string.h>

#include "../core/le.h"
#include "../core/nw_error.h"
#include "../sketch/anchors.h"
#include "../sketch/exact_set.h"

#define REC_VERSION 5
#define REC_VERSION_NO_TOPS 4
#define REC_VERSION_NO_EXACT 3
#define DEC_MARK 'D'

static int put(nw_buf *b, uint64_t v, int bytes)
{
    unsigned char p[8];
    nw_le_put(p, v, bytes);
    return nw_buf_append(b, p, (size_t)bytes);
}

static int put_dbl(nw_buf *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    return put(b, v, 8);
}

static int put_str(nw_buf *b, nw_bytes s)
{
    return put(b, s.len, 2) || nw_buf_append(b, s.p, s.len);
}

/* A list of strings: its count in count_bytes, then each string. */
static int put_strs(nw_buf *b, const nw_bytes *s, size_t n, int count_bytes)
{
    int bad = put(b, n, count_bytes);
    for (size_t i = 0; !bad && i < n; i++) {
        bad = put_str(b, s[i]);
    }
    return bad;
}

/* a long text's tops go through the same u16 helpers as the exact sets */
_Static_assert(NW_ANCHORS_MAX <= NW_EXACT_MAX, "tops fit nw_sig_record_put_u16s");

void nw_sig_record_put_u16s(const uint16_t *v, size_t n, uint8_t *le)
{
    for (size_t k = 0; k < n && k < NW_EXACT_MAX; k++) {
        le[2 * k] = (uint8_t)v[k];
        le[2 * k + 1] = (uint8_t)(v[k] >> 8);
    }
}

void nw_sig_record_get_u16s(const uint8_t *le, size_t n, uint16_t *v)
{
    for (size_t k = 0; k < n; k++) {
        v[k] = (uint16_t)(le[2 * k] | le[2 * k + 1] << 8);
    }
}

int nw_sig_record_encode(const nw_sig_record *r, nw_buf *out)
{
    int bad = put(out, REC_VERSION, 1) || put(out, r->revision, 4) || put(out, r->shingles, 4) ||
              put(out, (uint64_t)r->first_seen_ms, 8) || put(out, (uint64_t)r->order_ms, 8) ||
              put(out, r->id.len, 2) || nw_buf_append(out, r->sig, NW_MINHASH_BINS) ||
              nw_buf_append(out, r->id.p, r->id.len) || put(out, r->nexact, 2) ||
              nw_buf_append(out, r->exact, 2 * r->nexact) || put(out, r->nmasked, 2) ||
              nw_buf_append(out, r->masked, 2 * r->nmasked) || put(out, r->ntops, 2) ||
              nw_buf_append(out, r->tops, 2 * r->ntops);
    if (!bad && r->decided) {
        bad = put(out, DEC_MARK, 1) || put(out, (uint64_t)r->story_order_ms, 8) ||
              put_str(out, r->story) || put(out, r->nmatches, 1);
        for (size_t i = 0; !bad && i < r->nmatches; i++) {
            const nw_rec_match *m = &r->matches[i];
            bad = put(out, (uint64_t)m->order_ms, 8) || put_dbl(out, m->jaccard) ||
                  put_dbl(out, m->containment) || put(out, m->relation, 1) || put_str(out, m->id);
        }
        bad = bad || put_strs(out, r->merged, r->nmerged, 1) ||
              put_strs(out, r->revised, r->nrevised, 2);
    }
    return bad ? NW_E_NOMEM : NW_OK;
}

/* A cursor over the bytes; any read past the end sets 'bad' and reads zeros. */
typedef struct cursor {
    const unsigned char *p;
    size_t left;
    int bad;
} cursor;

static uint64_t get(cursor *c, int bytes)
{
    if (c->bad || c->left < (size_t)bytes) {
        c->bad = 1;
        return 0;
    }
    uint64_t v = nw_le_get(c->p, bytes);
    c->p += bytes;
    c->left -= (size_t)bytes;
    return v;
}

static double get_dbl(cursor *c)
{
    uint64_t v = get(c, 8);
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}

static const unsigned char *take(cursor *c, size_t n)
{
    if (c->bad || c->left < n) {
        c->bad = 1;
        return NULL;
    }
    const unsigned char *p = c->p;
    c->p += n;
    c->left -= n;
    return p;
}

static nw_bytes get_str(cursor *c)
{
    nw_bytes s;
    s.len = (size_t)get(c, 2);
    s.p = (const char *)take(c, s.len);
    if (!s.p) {
        s.len = 0;
    }
    return s;
}

/* A list written by put_strs, of at most max strings; its length (0 and c->bad when over). */
static size_t get_strs(cursor *c, nw_bytes *out, size_t max, int count_bytes)
{
    size_t n = (size_t)get(c, count_bytes);
    if (n > max) {
        c->bad = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = get_str(c);
    }
    return n;
}

static void get_decision(cursor *c, nw_sig_record *r)
{
    r->story_order_ms = (int64_t)get(c, 8);
    r->story = get_str(c);
    r->nmatches = (size_t)get(c, 1);
    if (r->nmatches > NW_REC_MAX_MATCHES) {
        c->bad = 1;
        return;
    }
    for (size_t i = 0; i < r->nmatches; i++) {
        nw_rec_match *m = &r->matches[i];
        m->order_ms = (int64_t)get(c, 8);
        m->jaccard = get_dbl(c);
        m->containment = get_dbl(c);
        m->relation = (nw_relation)get(c, 1);
        m->id = get_str(c);
    }
    r->nmerged = get_strs(c, r->merged, NW_REC_MAX_MERGED, 1);
    r->nrevised = get_strs(c, r->revised, NW_REC_MAX_REVISED, 2);
}

int nw_sig_record_decode(const char *buf, size_t len, nw_sig_record *r)
{
    cursor c = {(const unsigned char *)buf, len, 0};
    r->decided = 0;
    r->nmatches = r->nmerged = r->nrevised = 0;
    r->story = (nw_bytes){NULL, 0};
    r->exact = r->masked = r->tops = NULL;
    r->nexact = r->nmasked = r->ntops = 0;
    uint64_t version = get(&c, 1);
    if (version != REC_VERSION && version != REC_VERSION_NO_TOPS &&
        version != REC_VERSION_NO_EXACT) {
        return -1;
    }
    r->revision = (uint32_t)get(&c, 4);
    r->shingles = (uint32_t)get(&c, 4);
    r->first_seen_ms = (int64_t)get(&c, 8);
    r->order_ms = (int64_t)get(&c, 8);
    size_t idlen = (size_t)get(&c, 2);
    r->sig = take(&c, NW_MINHASH_BINS);
    r->id.p = (const char *)take(&c, idlen);
    r->id.len = idlen;
    if (version >= REC_VERSION_NO_TOPS) {
        r->nexact = (size_t)get(&c, 2);
        r->exact = take(&c, 2 * r->nexact);
        r->nmasked = (size_t)get(&c, 2);
        r->masked = take(&c, 2 * r->nmasked);
        if (r->nexact > NW_EXACT_MAX || r->nmasked > NW_EXACT_MAX) {
            return -1;
        }
    }
    if (version == REC_VERSION) {
        r->ntops = (size_t)get(&c, 2);
        r->tops = take(&c, 2 * r->ntops);
        if (r->ntops > NW_ANCHORS_MAX) {
            return -1;
        }
    }
    if (!c.bad && c.left) {
        r->decided = get(&c, 1) == DEC_MARK;
        if (!r->decided) {
            return -1;
        }
        get_decision(&c, r);
    }
    return c.bad || c.left ? -1 : 0;
}
