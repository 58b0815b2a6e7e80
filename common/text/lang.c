/* lang.c - an open-addressing table from 64-bit word hashes to language bit masks. Words are
 * cut at non-letters; ASCII is lower-cased, other UTF-8 bytes are kept as they are (the lists
 * are lower case and most stopwords occur in lower case). */
#include "lang.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/nw_error.h"
#include "script_lang.h"

#define SCAN_BYTES 4096
#define MIN_HITS 3
#define MIN_SHARE 0.08

typedef struct slot {
    uint64_t h; /* 0 = empty */
    uint32_t mask;
} slot;

struct nw_lang {
    slot *t;
    size_t cap, used;
    char codes[NW_LANG_MAX][8];
    size_t n;
};

nw_lang *nw_lang_new(void)
{
    nw_lang *l = calloc(1, sizeof *l);
    if (!l) {
        return NULL;
    }
    l->cap = 1 << 14;
    l->t = calloc(l->cap, sizeof *l->t);
    if (!l->t) {
        free(l);
        return NULL;
    }
    return l;
}

void nw_lang_free(nw_lang *l)
{
    if (l) {
        free(l->t);
        free(l);
    }
}

int nw_lang_register(nw_lang *l, const char *code)
{
    if (l->n == NW_LANG_MAX) {
        return -1;
    }
    strncpy(l->codes[l->n], code, sizeof l->codes[0] - 1);
    return (int)l->n++;
}

size_t nw_lang_count(const nw_lang *l)
{
    return l->n;
}

static slot *find(slot *t, size_t cap, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    while (t[i].h && t[i].h != h) {
        i = (i + 1) & (cap - 1);
    }
    return &t[i];
}

static int grow(nw_lang *l)
{
    size_t cap = l->cap * 2;
    slot *t = calloc(cap, sizeof *t);
    if (!t) {
        return NW_E_NOMEM;
    }
    for (size_t i = 0; i < l->cap; i++) {
        if (l->t[i].h) {
            *find(t, cap, l->t[i].h) = l->t[i];
        }
    }
    free(l->t);
    l->t = t;
    l->cap = cap;
    return NW_OK;
}

static uint64_t word_hash(const char *w, size_t n)
{
    uint64_t h = XXH3_64bits(w, n);
    return h ? h : 1;
}

int nw_lang_add_word(nw_lang *l, int lang, const char *word, size_t n)
{
    if (lang < 0 || (size_t)lang >= l->n || n == 0 || n > 64) {
        return NW_E_INPUT;
    }
    if (2 * (l->used + 1) > l->cap && grow(l) != NW_OK) {
        return NW_E_NOMEM;
    }
    slot *s = find(l->t, l->cap, word_hash(word, n));
    if (!s->h) {
        s->h = word_hash(word, n);
        l->used++;
    }
    s->mask |= 1u << lang;
    return NW_OK;
}

static int letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

const char *nw_lang_detect(const nw_lang *l, const char *text, size_t n)
{
    /* most letters in a script of its own (CJK, Arabic, ...): a few English words in a
     * Japanese page are no evidence against it */
    const char *by_script = nw_lang_by_script(text, n);
    if (by_script) {
        return by_script;
    }
    unsigned hits[NW_LANG_MAX] = {0};
    size_t words = 0;
    char w[64];
    size_t lim = n < SCAN_BYTES ? n : SCAN_BYTES;
    for (size_t i = 0; l && l->n && i < lim;) {
        while (i < lim && !letter((unsigned char)text[i])) {
            i++;
        }
        size_t len = 0;
        while (i < lim && letter((unsigned char)text[i])) {
            unsigned char c = (unsigned char)text[i++];
            if (len < sizeof w) {
                w[len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
        }
        if (!len) {
            continue;
        }
        words++;
        const slot *s = find(l->t, l->cap, word_hash(w, len));
        for (uint32_t m = s->h ? s->mask : 0; m; m &= m - 1) {
            hits[__builtin_ctz(m)]++;
        }
    }
    size_t best = 0;
    for (size_t k = 1; l && k < l->n; k++) {
        if (hits[k] > hits[best]) {
            best = k;
        }
    }
    if (!l || !l->n || hits[best] < MIN_HITS || hits[best] < MIN_SHARE * (double)words) {
        return "und";
    }
    return l->codes[best];
}

int nw_lang_is_stopword(const nw_lang *l, const char *code, const char *word, size_t n)
{
    if (!l || n == 0 || n > 64) {
        return 0;
    }
    const slot *s = find(l->t, l->cap, word_hash(word, n));
    if (!s->h) {
        return 0;
    }
    for (size_t k = 0; code && k < l->n; k++) {
        if (strcmp(l->codes[k], code) == 0) {
            return (s->mask >> k) & 1u;
        }
    }
    return 1; /* unknown language: a stopword of any */
}
