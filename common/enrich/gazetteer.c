/* gazetteer.c - an open-addressing table from the hash of a lower-cased name to the entry's
 * kind and canonical name. Canonical names live in one growing string pool. */
#include "gazetteer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/buf.h"
#include "../core/nw_error.h"

#define NAME_MAX_BYTES 127

typedef struct slot {
    uint64_t h;       /* 0 = empty */
    size_t canonical; /* offset in pool */
    nw_entity_kind kind;
} slot;

struct nw_gazetteer {
    slot *t;
    size_t cap, used;
    nw_buf pool;
    uint64_t *firsts; /* hashes of every name's first word: most words start none */
    size_t fcap, fused;
};

nw_gazetteer *nw_gazetteer_new(void)
{
    nw_gazetteer *g = calloc(1, sizeof *g);
    if (!g) {
        return NULL;
    }
    g->cap = 1024;
    g->t = calloc(g->cap, sizeof *g->t);
    g->fcap = 1024;
    g->firsts = calloc(g->fcap, sizeof *g->firsts);
    if (!g->t || !g->firsts) {
        free(g->t);
        free(g->firsts);
        free(g);
        return NULL;
    }
    nw_buf_init(&g->pool);
    return g;
}

void nw_gazetteer_free(nw_gazetteer *g)
{
    if (g) {
        free(g->t);
        free(g->firsts);
        nw_buf_release(&g->pool);
        free(g);
    }
}

size_t nw_gazetteer_size(const nw_gazetteer *g)
{
    return g->used;
}

/* lower-cased ASCII, other bytes as they are, runs of spaces as one */
static size_t fold(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < NAME_MAX_BYTES; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t') {
            if (k && out[k - 1] != ' ') {
                out[k++] = ' ';
            }
            continue;
        }
        out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    while (k && out[k - 1] == ' ') {
        k--;
    }
    return k;
}

static uint64_t name_hash(const char *s, size_t n)
{
    char f[NAME_MAX_BYTES + 1];
    size_t k = fold(s, n, f);
    uint64_t h = XXH3_64bits(f, k);
    return h ? h : 1;
}

static slot *find(slot *t, size_t cap, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    while (t[i].h && t[i].h != h) {
        i = (i + 1) & (cap - 1);
    }
    return &t[i];
}

static int grow(nw_gazetteer *g)
{
    size_t cap = g->cap * 2;
    slot *t = calloc(cap, sizeof *t);
    if (!t) {
        return NW_E_NOMEM;
    }
    for (size_t i = 0; i < g->cap; i++) {
        if (g->t[i].h) {
            *find(t, cap, g->t[i].h) = g->t[i];
        }
    }
    free(g->t);
    g->t = t;
    g->cap = cap;
    return NW_OK;
}

static uint64_t first_word_hash(const char *s, size_t n)
{
    char f[NAME_MAX_BYTES + 1];
    size_t k = fold(s, n, f), w = 0;
    while (w < k && f[w] != ' ') {
        w++;
    }
    uint64_t h = XXH3_64bits(f, w);
    return h ? h : 1;
}

static uint64_t *find_first(uint64_t *t, size_t cap, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    while (t[i] && t[i] != h) {
        i = (i + 1) & (cap - 1);
    }
    return &t[i];
}

static int add_first(nw_gazetteer *g, uint64_t h)
{
    if (2 * (g->fused + 1) > g->fcap) {
        size_t cap = 2 * g->fcap;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t) {
            return NW_E_NOMEM;
        }
        for (size_t i = 0; i < g->fcap; i++) {
            if (g->firsts[i]) {
                *find_first(t, cap, g->firsts[i]) = g->firsts[i];
            }
        }
        free(g->firsts);
        g->firsts = t;
        g->fcap = cap;
    }
    uint64_t *slot_h = find_first(g->firsts, g->fcap, h);
    if (!*slot_h) {
        *slot_h = h;
        g->fused++;
    }
    return NW_OK;
}

int nw_gazetteer_starts_name(const nw_gazetteer *g, const char *word, size_t n)
{
    return g && n > 0 && n <= NAME_MAX_BYTES &&
           *find_first(g->firsts, g->fcap, first_word_hash(word, n)) != 0;
}

static int words_ok(const char *s, size_t n)
{
    size_t words = 1;
    for (size_t i = 0; i < n; i++) {
        words += s[i] == ' ';
    }
    return n > 0 && n <= NAME_MAX_BYTES && words <= NW_GAZ_MAX_WORDS;
}

int nw_gazetteer_add_line(nw_gazetteer *g, nw_entity_kind kind, const char *line, size_t n)
{
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) {
        n--;
    }
    if (n == 0 || line[0] == '#') {
        return NW_OK;
    }
    size_t first = 0;
    while (first < n && line[first] != '|') {
        first++;
    }
    if (!words_ok(line, first)) {
        return NW_E_INPUT;
    }
    size_t canonical = g->pool.len;
    if (nw_buf_append(&g->pool, line, first) || nw_buf_append(&g->pool, "", 1)) {
        return NW_E_NOMEM;
    }
    for (size_t start = 0; start < n;) {
        size_t end = start;
        while (end < n && line[end] != '|') {
            end++;
        }
        if (end > start) {
            if (!words_ok(line + start, end - start)) {
                return NW_E_INPUT;
            }
            if (2 * (g->used + 1) > g->cap && grow(g) != NW_OK) {
                return NW_E_NOMEM;
            }
            if (add_first(g, first_word_hash(line + start, end - start)) != NW_OK) {
                return NW_E_NOMEM;
            }
            uint64_t h = name_hash(line + start, end - start);
            slot *s = find(g->t, g->cap, h);
            if (!s->h) { /* the first list to name it wins */
                *s = (slot){h, canonical, kind};
                g->used++;
            }
        }
        start = end + 1;
    }
    return NW_OK;
}

int nw_gazetteer_find(const nw_gazetteer *g, const char *name, size_t n, nw_gaz_hit *hit)
{
    if (!g || n == 0 || n > NAME_MAX_BYTES) {
        return 0;
    }
    const slot *s = find(g->t, g->cap, name_hash(name, n));
    if (!s->h) {
        return 0;
    }
    hit->kind = s->kind;
    hit->canonical = g->pool.data + s->canonical;
    return 1;
}
