/* explain.c - shared passages by shingle runs: b's shingles go into a hash table (position of
 * first occurrence, chained to the later ones); a is walked once, and where its shingle is in
 * b the run is extended while the next shingles agree too. Each run becomes a passage when
 * long enough; a resumes after its last word, so a's passages never overlap (b's may: a text
 * repeated). */
#include "explain.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/nw_error.h"
#include "../sketch/tokenize.h"

enum {
    MAX_OCCURRENCES = 8,  /* of one shingle in b tried for the longest run: repetitive text
                           * stays linear */
    SENTENCE_REACH = 2000 /* bytes searched for a sentence's edge on either side of a passage */
};

typedef struct side {
    const char *text;
    size_t len;
    nw_u64vec tok, spans;
    uint64_t *sh; /* the shingle beginning at each token */
    size_t nsh, w;
} side;

static void side_release(side *s)
{
    nw_u64vec_release(&s->tok);
    nw_u64vec_release(&s->spans);
    free(s->sh);
}

static int side_read(side *s, const char *text, size_t len, unsigned k, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->text = text;
    s->len = len;
    if (nw_tokenize_spans(text, len, seed, &s->tok, &s->spans) != NW_OK) {
        return NW_E_NOMEM;
    }
    size_t n = s->tok.n;
    s->w = n < k ? n : k;
    s->nsh = n ? n - s->w + 1 : 0;
    s->sh = malloc((s->nsh ? s->nsh : 1) * sizeof *s->sh);
    if (!s->sh) {
        return NW_E_NOMEM;
    }
    for (size_t i = 0; i < s->nsh; i++) {
        s->sh[i] = XXH3_64bits(s->tok.v + i, s->w * sizeof *s->tok.v);
    }
    return NW_OK;
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* The distinct shingles of one side, sorted; their number in *n. */
static uint64_t *distinct(const side *s, size_t *n)
{
    uint64_t *v = malloc((s->nsh ? s->nsh : 1) * sizeof *v);
    if (!v) {
        return NULL;
    }
    memcpy(v, s->sh, s->nsh * sizeof *v);
    qsort(v, s->nsh, sizeof *v, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < s->nsh; i++) {
        if (!u || v[u - 1] != v[i]) {
            v[u++] = v[i];
        }
    }
    *n = u;
    return v;
}

static int measure(const side *a, const side *b, nw_explain *e)
{
    size_t na, nb;
    uint64_t *va = distinct(a, &na), *vb = distinct(b, &nb);
    if (!va || !vb) {
        free(va);
        free(vb);
        return NW_E_NOMEM;
    }
    size_t shared = 0;
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (va[i] == vb[j]) {
            shared++, i++, j++;
        } else if (va[i] < vb[j]) {
            i++;
        } else {
            j++;
        }
    }
    free(va);
    free(vb);
    e->shingles_a = na;
    e->shingles_b = nb;
    e->shared = shared;
    size_t uni = na + nb - shared, small = na < nb ? na : nb;
    e->jaccard = uni ? (double)shared / (double)uni : 0;
    e->containment = small ? (double)shared / (double)small : 0;
    return NW_OK;
}

/* b's shingles: slots hold position + 1 of a shingle's first occurrence, next[] the one after. */
typedef struct index {
    size_t *slots, mask, *next;
} shingle_index;

static size_t slot_of(uint64_t h, size_t mask)
{
    return (size_t)(h ^ (h >> 31)) & mask;
}

static int index_build(shingle_index *ix, const side *b)
{
    size_t cap = 16;
    while (cap < 2 * b->nsh) {
        cap *= 2;
    }
    ix->mask = cap - 1;
    ix->slots = calloc(cap, sizeof *ix->slots);
    ix->next = malloc((b->nsh ? b->nsh : 1) * sizeof *ix->next);
    if (!ix->slots || !ix->next) {
        return NW_E_NOMEM;
    }
    /* backwards, so that each chain runs in text order */
    for (size_t j = b->nsh; j-- > 0;) {
        size_t s = slot_of(b->sh[j], ix->mask);
        while (ix->slots[s] && b->sh[ix->slots[s] - 1] != b->sh[j]) {
            s = (s + 1) & ix->mask;
        }
        ix->next[j] = ix->slots[s];
        ix->slots[s] = j + 1;
    }
    return NW_OK;
}

/* Position + 1 in b of shingle h's first occurrence, or 0. */
static size_t index_find(const shingle_index *ix, const side *b, uint64_t h)
{
    size_t s = slot_of(h, ix->mask);
    while (ix->slots[s] && b->sh[ix->slots[s] - 1] != h) {
        s = (s + 1) & ix->mask;
    }
    return ix->slots[s];
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int ends_sentence(const char *t, size_t len, size_t p)
{
    return t[p] == '\n' ||
           ((t[p] == '.' || t[p] == '!' || t[p] == '?') && (p + 1 == len || is_space(t[p + 1])));
}

/* [start, end) widened to the sentences it touches (a line break or ". " ends one). */
static nw_span sentences(const side *s, nw_span in)
{
    nw_span out = in;
    size_t floor = in.start > SENTENCE_REACH ? in.start - SENTENCE_REACH : 0;
    while (out.start > floor && !ends_sentence(s->text, s->len, out.start - 1)) {
        out.start--;
    }
    while (out.start < in.start && is_space(s->text[out.start])) {
        out.start++;
    }
    size_t ceil = in.end + SENTENCE_REACH < s->len ? in.end + SENTENCE_REACH : s->len;
    while (out.end < ceil && !ends_sentence(s->text, s->len, out.end - 1)) {
        out.end++;
    }
    while (out.end > in.end && is_space(s->text[out.end - 1])) {
        out.end--;
    }
    return out;
}

static nw_span bytes_of(const side *s, size_t first_token, size_t tokens)
{
    return (nw_span){(size_t)(s->spans.v[first_token] >> 32),
                     (size_t)(s->spans.v[first_token + tokens - 1] & 0xFFFFFFFFu)};
}

static int add_passage(nw_explain *e, size_t *cap, const side *a, const side *b, size_t i, size_t j,
                       size_t tokens)
{
    if (e->npassages == *cap) {
        size_t n = *cap ? 2 * *cap : 16;
        nw_passage *p = realloc(e->passages, n * sizeof *p);
        if (!p) {
            return NW_E_NOMEM;
        }
        e->passages = p;
        *cap = n;
    }
    nw_passage *p = &e->passages[e->npassages++];
    p->a = bytes_of(a, i, tokens);
    p->b = bytes_of(b, j, tokens);
    p->a_sentences = sentences(a, p->a);
    p->b_sentences = sentences(b, p->b);
    p->tokens = tokens;
    return NW_OK;
}

static size_t run_length(const side *a, size_t i, const side *b, size_t j)
{
    size_t len = 1;
    while (i + len < a->nsh && j + len < b->nsh && a->sh[i + len] == b->sh[j + len]) {
        len++;
    }
    return len;
}

static int find_passages(const side *a, const side *b, size_t min_tokens, nw_explain *e)
{
    shingle_index ix = {0};
    size_t cap = 0;
    int rc = index_build(&ix, b);
    for (size_t i = 0; rc == NW_OK && i < a->nsh;) {
        size_t best = 0, best_j = 0, tried = 0;
        for (size_t j1 = index_find(&ix, b, a->sh[i]); j1 && tried < MAX_OCCURRENCES;
             j1 = ix.next[j1 - 1], tried++) {
            size_t len = run_length(a, i, b, j1 - 1);
            if (len > best) {
                best = len;
                best_j = j1 - 1;
            }
        }
        if (!best) {
            i++;
            continue;
        }
        size_t tokens = best + a->w - 1;
        if (tokens >= min_tokens) { /* the next passage begins after this one's last word */
            rc = add_passage(e, &cap, a, b, i, best_j, tokens);
            i += tokens;
        } else {
            i += best;
        }
    }
    free(ix.slots);
    free(ix.next);
    return rc;
}

int nw_explain_texts(const char *a, size_t na, const char *b, size_t nb, unsigned k, uint64_t seed,
                     size_t min_tokens, nw_explain *out)
{
    memset(out, 0, sizeof *out);
    side sa, sb;
    int rc = side_read(&sa, a, na, k ? k : 1, seed);
    int rb = side_read(&sb, b, nb, k ? k : 1, seed);
    if (rc == NW_OK && rb == NW_OK) {
        rc = measure(&sa, &sb, out);
    }
    if (rc == NW_OK && rb == NW_OK) {
        rc = find_passages(&sa, &sb, min_tokens ? min_tokens : 1, out);
    }
    side_release(&sa);
    side_release(&sb);
    if (rc != NW_OK || rb != NW_OK) {
        nw_explain_release(out);
        return NW_E_NOMEM;
    }
    return NW_OK;
}

void nw_explain_release(nw_explain *e)
{
    free(e->passages);
    e->passages = NULL;
    e->npassages = 0;
}

static int cmp_segment(const void *pa, const void *pb)
{
    const nw_segment *a = pa, *b = pb;
    if (a->span.start != b->span.start) {
        return a->span.start < b->span.start ? -1 : 1;
    }
    return (a->passage > b->passage) - (a->passage < b->passage);
}

size_t nw_explain_segments(const nw_explain *e, char which, size_t len, nw_segment *seg)
{
    /* the passages' spans are sorted in the tail of seg, then merged into its head: a stretch
     * and the plain one before it take two places, and are written only once the stretch's
     * spans are read, so the head never reaches a span still to read */
    size_t n = 0, pos = 0;
    nw_segment *marks = seg + e->npassages + 1;
    for (size_t i = 0; i < e->npassages; i++) {
        marks[i].span = which == 'a' ? e->passages[i].a : e->passages[i].b;
        marks[i].passage = (long)i;
    }
    qsort(marks, e->npassages, sizeof *marks, cmp_segment);
    for (size_t i = 0; i < e->npassages;) {
        nw_segment cur = marks[i++];
        while (i < e->npassages && marks[i].span.start <= cur.span.end) {
            if (marks[i].span.end > cur.span.end) {
                cur.span.end = marks[i].span.end;
            }
            i++;
        }
        if (cur.span.start > pos) {
            seg[n++] = (nw_segment){{pos, cur.span.start}, -1};
        }
        seg[n++] = cur;
        pos = cur.span.end;
    }
    if (pos < len || n == 0) {
        seg[n++] = (nw_segment){{pos, len}, -1};
    }
    return n;
}
