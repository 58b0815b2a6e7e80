/* tokenize.c - the fused fold-and-split loop. ASCII takes a table-free fast path; other code
 * points go through utf8proc's single-character decomposition, so no whole-text copy is made. */
#include "tokenize.h"

#include <stdlib.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "../core/nw_error.h"
#include "../core/utf8.h"

void nw_u64vec_init(nw_u64vec *a)
{
    a->v = NULL;
    a->n = a->cap = 0;
}

void nw_u64vec_release(nw_u64vec *a)
{
    free(a->v);
    nw_u64vec_init(a);
}

int nw_u64vec_push(nw_u64vec *a, uint64_t x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        uint64_t *v = realloc(a->v, cap * sizeof *v);
        if (!v) {
            return NW_E_NOMEM;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return NW_OK;
}

typedef struct tok {
    char buf[NW_TOKEN_MAX];
    size_t len;
    /* for the masked stream: the word began with a capital, has a digit, began a sentence */
    int capital, digit, at_start;
    int sentence; /* the next word begins a sentence */
    /* where the character being read begins and ends, and the token's bytes so far */
    size_t pos, next, start, end;
} tok;

static void tok_add(tok *t, const char *s, size_t n)
{
    if (!t->len) {
        t->at_start = t->sentence;
        t->start = t->pos;
    }
    t->end = t->next;
    for (size_t i = 0; i < n && t->len < NW_TOKEN_MAX; i++) {
        t->buf[t->len++] = s[i];
    }
}

static int tok_flush(tok *t, uint64_t seed, nw_u64vec *out, nw_u64vec *masked, nw_u64vec *spans)
{
    if (!t->len) {
        return NW_OK;
    }
    if (spans && nw_u64vec_push(spans, (uint64_t)t->start << 32 | t->end) != NW_OK) {
        return NW_E_NOMEM;
    }
    uint64_t h = XXH64(t->buf, t->len, seed);
    int name_or_number = t->digit || (t->capital && !t->at_start);
    t->len = 0;
    t->capital = t->digit = t->sentence = 0;
    if (masked && nw_u64vec_push(masked, name_or_number ? NW_TOKEN_MASK ^ seed : h) != NW_OK) {
        return NW_E_NOMEM;
    }
    return nw_u64vec_push(out, h);
}

static int is_apostrophe(int cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC;
}

/* Scripts written without spaces between words: Han, kana, Thai, Lao, Khmer, Myanmar. Each of
 * their characters is a token, so shingles are character trigrams (a Chinese article was 6
 * tokens and 4 shingles, and its copies could not match). Hangul has spaces. */
static int unspaced(int cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
           (cp >= 0xFF66 && cp <= 0xFF9D) || (cp >= 0x0E00 && cp <= 0x0EFF) ||
           (cp >= 0x1780 && cp <= 0x17FF) || (cp >= 0x1000 && cp <= 0x109F);
}

/* Folds one non-ASCII code point into the token; returns 1 if it was a word character. */
static int fold_codepoint(tok *t, int cp)
{
    utf8proc_int32_t dec[8];
    int last = 0;
    utf8proc_ssize_t nd = utf8proc_decompose_char(
        cp, dec, 8, UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE, &last);
    if (nd <= 0 || nd > 8) {
        return 0;
    }
    int word = 0;
    for (utf8proc_ssize_t k = 0; k < nd; k++) {
        utf8proc_category_t cat = utf8proc_category(dec[k]);
        if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
            cat == UTF8PROC_CATEGORY_ME) {
            word = word || t->len > 0; /* marks join the word they sit on */
            continue;
        }
        int alnum = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                    (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
        if (!alnum) {
            return word;
        }
        /* case folding has lowered it: ask the original code point */
        utf8proc_category_t orig = utf8proc_category(cp);
        t->capital |= t->len == 0 && (orig == UTF8PROC_CATEGORY_LU || orig == UTF8PROC_CATEGORY_LT);
        t->digit |= cat == UTF8PROC_CATEGORY_ND;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t el = utf8proc_encode_char(dec[k], enc);
        tok_add(t, (const char *)enc, (size_t)el);
        word = 1;
    }
    return word;
}

static int tokenize(const char *text, size_t n, uint64_t seed, nw_u64vec *out, nw_u64vec *masked,
                    nw_u64vec *spans)
{
    const unsigned char *p = (const unsigned char *)text;
    tok t = {.len = 0, .sentence = 1};
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        t.pos = i;
        if (c < 0x80) {
            t.next = ++i;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                char ch = (char)c;
                t.digit |= c <= '9';
                tok_add(&t, &ch, 1);
            } else if (c >= 'A' && c <= 'Z') {
                char ch = (char)(c + 32);
                t.capital |= t.len == 0;
                tok_add(&t, &ch, 1);
            } else if (c == '\'' && t.len) {
                continue; /* inside a word: dropped */
            } else {
                if (tok_flush(&t, seed, out, masked, spans) != NW_OK) {
                    return NW_E_NOMEM;
                }
                t.sentence |= c == '.' || c == '!' || c == '?' || c == '\n';
            }
            continue;
        }
        int cp;
        i += (size_t)nw_utf8_decode(p + i, n - i, &cp);
        t.next = i;
        if (is_apostrophe(cp) && t.len) {
            continue;
        }
        if (unspaced(cp)) { /* a word of its own: the text has no spaces to find words by */
            if (tok_flush(&t, seed, out, masked, spans) != NW_OK) {
                return NW_E_NOMEM;
            }
            fold_codepoint(&t, cp);
            if (tok_flush(&t, seed, out, masked, spans) != NW_OK) {
                return NW_E_NOMEM;
            }
            continue;
        }
        if (!fold_codepoint(&t, cp) && tok_flush(&t, seed, out, masked, spans) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    return tok_flush(&t, seed, out, masked, spans);
}

int nw_tokenize(const char *text, size_t n, uint64_t seed, nw_u64vec *out)
{
    return tokenize(text, n, seed, out, NULL, NULL);
}

int nw_tokenize_masked(const char *text, size_t n, uint64_t seed, nw_u64vec *out, nw_u64vec *masked)
{
    return tokenize(text, n, seed, out, masked, NULL);
}

int nw_tokenize_spans(const char *text, size_t n, uint64_t seed, nw_u64vec *out, nw_u64vec *spans)
{
    return tokenize(text, n, seed, out, NULL, spans);
}
