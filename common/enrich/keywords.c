/* keywords.c - term counting with an open-addressing table (slots stamped per document, so
 * nothing is cleared between documents) and a text pool for the folded terms. */
#include "keywords.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "../core/buf.h"
#include "../core/nw_error.h"

#define MIN_BYTES 3
#define MAX_BYTES 64

typedef struct slot {
    uint64_t h;
    uint32_t stamp; /* the document it belongs to; another stamp = empty */
    uint32_t term;  /* index in e */
} slot;

typedef struct entry {
    uint32_t off, len, tf;
    uint32_t first; /* index of first appearance, for ties */
} entry;

struct nw_term_counter {
    slot *t;
    size_t cap;
    uint32_t stamp;
    entry *e;
    size_t ne, ecap;
    nw_buf pool;
    nw_term *out;
    size_t ocap;
};

nw_term_counter *nw_term_counter_new(void)
{
    nw_term_counter *c = calloc(1, sizeof *c);
    if (c) {
        nw_buf_init(&c->pool);
    }
    return c;
}

void nw_term_counter_free(nw_term_counter *c)
{
    if (c) {
        free(c->t);
        free(c->e);
        free(c->out);
        nw_buf_release(&c->pool);
        free(c);
    }
}

static int is_word_cp(int cp)
{
    if (cp < 0x80) { /* ASCII without a table lookup */
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }
    utf8proc_category_t cat = utf8proc_category(cp);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ND;
}

static int next_cp(const char *s, size_t n, size_t i, int *cp)
{
    if (i >= n) {
        *cp = -1;
        return 1;
    }
    if ((unsigned char)s[i] < 0x80) {
        *cp = (unsigned char)s[i];
        return 1;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
    *cp = k > 0 ? c : -1;
    return k > 0 ? (int)k : 1;
}

/* Folds the word at s[i..) into w (lower case); returns the end of the word in s. */
static size_t fold_word(const char *s, size_t n, size_t i, char *w, size_t *wl, int *letters)
{
    *wl = 0;
    *letters = 0;
    while (i < n) {
        int cp, k = next_cp(s, n, i, &cp);
        if (cp >= 0 && cp < 0x80 && is_word_cp(cp)) {
            if (*wl < MAX_BYTES) {
                w[(*wl)++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            }
            *letters += cp > '9';
            i++;
        } else if (cp >= 0 && is_word_cp(cp)) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), enc);
            if (*wl + (size_t)m <= MAX_BYTES) {
                memcpy(w + *wl, enc, (size_t)m);
                *wl += (size_t)m;
            }
            *letters += utf8proc_category(cp) != UTF8PROC_CATEGORY_ND;
            i += (size_t)k;
        } else if ((cp == '-' || cp == '\'' || cp == 0x2019) && *wl > 0 && i + (size_t)k < n) {
            int next;
            next_cp(s, n, i + (size_t)k, &next);
            if (next < 0 || !is_word_cp(next)) {
                break;
            }
            if ((cp == '\'' || cp == 0x2019) && (next == 's' || next == 'S')) {
                int after; /* a possessive: "Iran's" counts as "iran" */
                size_t j = i + (size_t)k + 1;
                next_cp(s, n, j, &after);
                if (j >= n || after < 0 || !is_word_cp(after)) {
                    return j;
                }
            }
            if (*wl < MAX_BYTES) {
                w[(*wl)++] = cp == '-' ? '-' : '\'';
            }
            i += (size_t)k;
        } else {
            break;
        }
    }
    return i;
}

static int grow_table(nw_term_counter *c, size_t want)
{
    if (want * 2 <= c->cap) {
        return NW_OK;
    }
    size_t cap = c->cap ? c->cap : 1024;
    while (want * 2 > cap) {
        cap *= 2;
    }
    slot *t = calloc(cap, sizeof *t);
    if (!t) {
        return NW_E_NOMEM;
    }
    for (size_t i = 0; i < c->cap; i++) { /* re-insert this document's terms */
        if (c->t[i].stamp == c->stamp) {
            size_t j = (size_t)c->t[i].h & (cap - 1);
            while (t[j].stamp == c->stamp) {
                j = (j + 1) & (cap - 1);
            }
            t[j] = c->t[i];
        }
    }
    free(c->t);
    c->t = t;
    c->cap = cap;
    return NW_OK;
}

static int add(nw_term_counter *c, const char *w, size_t wl)
{
    if (grow_table(c, c->ne + 1) != NW_OK) {
        return NW_E_NOMEM;
    }
    uint64_t h = XXH3_64bits(w, wl);
    size_t j = (size_t)h & (c->cap - 1);
    while (c->t[j].stamp == c->stamp) {
        entry *e = &c->e[c->t[j].term];
        if (c->t[j].h == h && e->len == wl) {
            e->tf++;
            return NW_OK;
        }
        j = (j + 1) & (c->cap - 1);
    }
    if (nw_array_reserve((void **)&c->e, &c->ecap, c->ne + 1, sizeof *c->e) != NW_OK) {
        return NW_E_NOMEM;
    }
    size_t off = c->pool.len;
    if (nw_buf_append(&c->pool, w, wl) || nw_buf_append(&c->pool, "", 1)) {
        return NW_E_NOMEM;
    }
    c->t[j] = (slot){h, c->stamp, (uint32_t)c->ne};
    c->e[c->ne] = (entry){(uint32_t)off, (uint32_t)wl, 1, (uint32_t)c->ne};
    c->ne++;
    return NW_OK;
}

static int by_tf(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->tf != b->tf) {
        return a->tf < b->tf ? 1 : -1;
    }
    return a->first < b->first ? -1 : a->first > b->first;
}

int nw_terms_count(nw_term_counter *c, const char *text, size_t n,
                   int (*is_stop)(void *arg, const char *word, size_t len), void *arg, size_t max,
                   const nw_term **terms, size_t *nterms)
{
    if (++c->stamp == 0) { /* wrapped: forget every old stamp */
        memset(c->t, 0, c->cap * sizeof *c->t);
        c->stamp = 1;
    }
    c->ne = 0;
    c->pool.len = 0;
    char w[MAX_BYTES + 1];
    for (size_t i = 0; i < n;) {
        int cp, k = next_cp(text, n, i, &cp);
        if (cp < 0 || !is_word_cp(cp)) {
            i += (size_t)k;
            continue;
        }
        size_t wl;
        int letters;
        i = fold_word(text, n, i, w, &wl, &letters);
        w[wl] = '\0';
        if (wl >= MIN_BYTES && letters > 0 && !(is_stop && is_stop(arg, w, wl)) &&
            add(c, w, wl) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    if (c->ne > 1) {
        qsort(c->e, c->ne, sizeof *c->e, by_tf);
    }
    size_t k = c->ne < max ? c->ne : max;
    if (nw_array_reserve((void **)&c->out, &c->ocap, k, sizeof *c->out) != NW_OK) {
        return NW_E_NOMEM;
    }
    for (size_t i = 0; i < k; i++) {
        c->out[i] = (nw_term){c->pool.data + c->e[i].off, c->e[i].len, c->e[i].tf};
    }
    *terms = c->out;
    *nterms = k;
    return NW_OK;
}

static int by_score(const void *pa, const void *pb)
{
    const nw_keyword *a = pa, *b = pb;
    if (a->score != b->score) {
        return a->score < b->score ? 1 : -1;
    }
    return a->term < b->term ? -1 : a->term > b->term;
}

size_t nw_keywords_top(const nw_term *terms, const long long *df, size_t n, long long ndocs,
                       nw_keyword *out, size_t k)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        long long d = df[i] < 0 ? 0 : df[i];
        double idf = log((1.0 + (double)ndocs) / (1.0 + (double)d)) + 1.0;
        nw_keyword kw = {&terms[i], (1.0 + log((double)terms[i].tf)) * idf};
        /* kept in order by moving the weaker ones down (a qsort after each was 2% of enrich) */
        size_t at;
        if (kept < k) {
            at = kept++;
        } else if (k && by_score(&kw, &out[k - 1]) < 0) {
            at = k - 1; /* the weakest is dropped */
        } else {
            continue;
        }
        for (; at > 0 && by_score(&kw, &out[at - 1]) < 0; at--) {
            out[at] = out[at - 1];
        }
        out[at] = kw;
    }
    return kept;
}
