/* repeated.c - picking, keying and stripping a text's edge paragraphs (repeated.h). */
#include "repeated.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "boilerplate.h"

/* The next paragraph of text at or after *at: its span; 0 at the end. */
static int next_para(const char *text, size_t len, size_t *at, size_t *off, size_t *plen)
{
    size_t i = *at;
    while (i < len && (text[i] == '\n' || text[i] == ' ')) {
        i++;
    }
    if (i >= len) {
        return 0;
    }
    const char *end = memmem(text + i, len - i, "\n\n", 2);
    size_t e = end ? (size_t)(end - text) : len;
    *off = i;
    *plen = e - i;
    *at = e;
    return 1;
}

static char fold(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* A hash of s with ASCII case folded and every run of white space one space, so a line that
 * only differs in those counts as the same line. Hashed in pieces, allocation-free. */
static uint64_t folded_hash(const char *s, size_t n, uint64_t seed)
{
    char piece[256];
    size_t k = 0;
    uint64_t h = seed;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
            space = k > 0 || h != seed;
            continue;
        }
        if (k + 2 > sizeof piece) {
            h = XXH3_64bits_withSeed(piece, k, h);
            k = 0;
        }
        if (space) {
            piece[k++] = ' ';
            space = 0;
        }
        piece[k++] = fold(ch);
    }
    return XXH3_64bits_withSeed(piece, k, h);
}

size_t nw_repeated_pick(const char *site, size_t site_len, const char *text, size_t len,
                        nw_repeated_para *paras)
{
    size_t off[NW_REPEATED_MAX], plen[NW_REPEATED_MAX];
    size_t head = 0, tail = 0, at = 0, o, l;
    while (next_para(text, len, &at, &o, &l)) {
        if (head < NW_REPEATED_HEAD) {
            off[head] = o;
            plen[head++] = l;
        } else { /* a ring of the last NW_REPEATED_TAIL after the head */
            size_t slot = NW_REPEATED_HEAD + tail % NW_REPEATED_TAIL;
            off[slot] = o;
            plen[slot] = l;
            tail++;
        }
    }
    uint64_t site_h = folded_hash(site, site_len, 0);
    size_t ntail = tail < NW_REPEATED_TAIL ? tail : NW_REPEATED_TAIL, n = 0;
    for (size_t k = 0; k < head + ntail; k++) {
        size_t slot =
            k < head ? k : NW_REPEATED_HEAD + (tail - ntail + (k - head)) % NW_REPEATED_TAIL;
        if (nw_bp_word_count(text + off[slot], plen[slot]) < NW_REPEATED_MIN_WORDS) {
            continue;
        }
        nw_repeated_para *p = &paras[n++];
        p->off = off[slot];
        p->len = plen[slot];
        snprintf(p->key, sizeof p->key, "%016llx%016llx", (unsigned long long)site_h,
                 (unsigned long long)folded_hash(text + p->off, p->len, site_h));
    }
    return n;
}

size_t nw_repeated_site(const char *source, const char *url, char *out, size_t n)
{
    const char *s = source && *source ? source : NULL;
    size_t len = s ? strlen(s) : 0;
    if (!s && url) { /* scheme://[user@]host[:port][/...] */
        const char *h = strstr(url, "://");
        h = h ? h + 3 : url;
        size_t hl = strcspn(h, "/?#");
        const char *at = memchr(h, '@', hl);
        if (at) {
            hl -= (size_t)(at + 1 - h);
            h = at + 1;
        }
        const char *colon = memchr(h, ':', hl);
        hl = colon ? (size_t)(colon - h) : hl;
        if (hl > 4 && strncasecmp(h, "www.", 4) == 0) {
            h += 4;
            hl -= 4;
        }
        s = h;
        len = hl;
    }
    size_t k = 0;
    for (size_t i = 0; s && i < len && k + 1 < n; i++) {
        out[k++] = fold(s[i]);
    }
    if (n) {
        out[k] = '\0';
    }
    return k;
}

int nw_repeated_is_sites_own(long long with_it, long long after)
{
    return after > 0 && with_it - 1 >= after;
}

unsigned nw_repeated_drops(const long long *with_it, size_t n, long long after)
{
    unsigned mask = 0;
    for (size_t k = 0; k < n && k < NW_REPEATED_MAX; k++) {
        mask |= (unsigned)nw_repeated_is_sites_own(with_it[k], after) << k;
    }
    return mask;
}

void nw_repeated_mark(unsigned mask, char *buf, size_t n)
{
    snprintf(buf, n, "d%u", mask);
}

unsigned nw_repeated_mask_of(const char *mark)
{
    char *end;
    unsigned long m = mark[0] == 'd' ? strtoul(mark + 1, &end, 10) : 0;
    return mark[0] == 'd' && *end == '\0' && m < (1u << NW_REPEATED_MAX) ? (unsigned)m : 0;
}

size_t nw_repeated_strip(const char *text, size_t len, const nw_repeated_para *paras, size_t n,
                         unsigned drop, nw_buf *out)
{
    size_t at = 0, o, l, k = 0, dropped = 0, start = out->len;
    while (next_para(text, len, &at, &o, &l)) {
        while (k < n && paras[k].off < o) {
            k++;
        }
        if (k < n && paras[k].off == o && (drop >> k & 1u)) {
            dropped += l;
            continue;
        }
        if ((out->len > start && nw_buf_append(out, "\n\n", 2) != 0) ||
            nw_buf_append(out, text + o, l) != 0) {
            return (size_t)-1;
        }
    }
    return dropped;
}
