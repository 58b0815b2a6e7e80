/* paragraphs.c - building paragraph lists from text runs and from plain text. */
#include "paragraphs.h"

#include <stdlib.h>
#include <string.h>

#include "../core/nw_error.h"

void nw_paras_init(nw_paras *ps)
{
    memset(ps, 0, sizeof *ps);
    nw_buf_init(&ps->text);
}

void nw_paras_release(nw_paras *ps)
{
    nw_buf_release(&ps->text);
    free(ps->v);
    nw_paras_init(ps);
}

void nw_paras_reset(nw_paras *ps)
{
    nw_buf_reset(&ps->text);
    ps->n = 0;
    ps->open = 0;
    ps->pending_space = 0;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* U+00A0 (C2 A0) is common in scraped pages; it is white space for our purposes. */
static size_t space_len(const char *s, size_t n)
{
    if (n && is_space((unsigned char)s[0])) {
        return 1;
    }
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
        return 2;
    }
    return 0;
}

static int open_para(nw_paras *ps)
{
    if (ps->open) {
        return NW_OK;
    }
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 32;
        nw_para *v = realloc(ps->v, cap * sizeof *v);
        if (!v) {
            return NW_E_NOMEM;
        }
        ps->v = v;
        ps->cap = cap;
    }
    nw_para *p = &ps->v[ps->n++];
    memset(p, 0, sizeof *p);
    p->off = ps->text.len;
    ps->open = 1;
    ps->pending_space = 0;
    return NW_OK;
}

int nw_paras_add_text(nw_paras *ps, const char *s, size_t n, int in_link)
{
    size_t i = 0;
    while (i < n) {
        size_t sl = space_len(s + i, n - i);
        if (sl) {
            if (ps->open) {
                ps->pending_space = 1;
            }
            i += sl;
            continue;
        }
        size_t j = i;
        while (j < n && !space_len(s + j, n - j)) {
            j++;
        }
        if (open_para(ps) != NW_OK) {
            return NW_E_NOMEM;
        }
        nw_para *p = &ps->v[ps->n - 1];
        if (ps->pending_space && p->len) {
            if (nw_buf_putc(&ps->text, ' ') != NW_OK) {
                return NW_E_NOMEM;
            }
            p->len++;
        }
        ps->pending_space = 0;
        if (nw_buf_append(&ps->text, s + i, j - i) != NW_OK) {
            return NW_E_NOMEM;
        }
        p->len += j - i;
        if (in_link) {
            p->link_chars += j - i;
        }
        i = j;
    }
    return NW_OK;
}

int nw_paras_break(nw_paras *ps)
{
    if (!ps->open) {
        return NW_OK;
    }
    ps->open = 0;
    nw_para *p = &ps->v[ps->n - 1];
    if (p->len == 0) {
        ps->n--;
        return NW_OK;
    }
    return nw_buf_putc(&ps->text, '\0');
}

nw_para *nw_paras_current(nw_paras *ps)
{
    return ps->open ? &ps->v[ps->n - 1] : NULL;
}

int nw_fold_space(const char *s, size_t n, nw_buf *out)
{
    nw_paras tmp;
    nw_paras_init(&tmp);
    int rc = nw_paras_add_text(&tmp, s, n, 0);
    if (rc == NW_OK && tmp.n) {
        rc = nw_buf_append(out, nw_para_str(&tmp, 0), tmp.v[0].len);
    }
    nw_paras_release(&tmp);
    return rc;
}

/* "•" (E2 80 A2), "·" (C2 B7), "*", "-" followed by a space mark a list item. */
static size_t bullet_len(const char *s, size_t n)
{
    if (n >= 4 && memcmp(s, "\xE2\x80\xA2", 3) == 0 && s[3] == ' ') {
        return 4;
    }
    if (n >= 3 && memcmp(s, "\xC2\xB7", 2) == 0 && s[2] == ' ') {
        return 3;
    }
    if (n >= 2 && (s[0] == '*' || s[0] == '-') && s[1] == ' ') {
        return 2;
    }
    return 0;
}

static int ends_sentence(const char *s, size_t n)
{
    while (n && is_space((unsigned char)s[n - 1])) {
        n--;
    }
    if (!n) {
        return 0;
    }
    unsigned char c = (unsigned char)s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == '"' || c == ':' || c == ')') {
        return 1;
    }
    /* closing curly quote U+201D */
    return n >= 3 && memcmp(s + n - 3, "\xE2\x80\x9D", 3) == 0;
}

int nw_paras_from_text(nw_paras *ps, const char *s, size_t n)
{
    size_t i = 0;
    int prev_ends = 1;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n;
        const char *line = s + i;
        size_t len = end - i;
        size_t lead = 0;
        while (lead < len && space_len(line + lead, len - lead)) {
            lead += space_len(line + lead, len - lead);
        }
        if (lead == len) {
            if (nw_paras_break(ps) != NW_OK) {
                return NW_E_NOMEM;
            }
        } else {
            size_t bl = bullet_len(line + lead, len - lead);
            int indented = lead >= 2 || (lead == 1 && line[0] == '\t');
            if (bl || indented || prev_ends) {
                if (nw_paras_break(ps) != NW_OK) {
                    return NW_E_NOMEM;
                }
            } else if (ps->open) {
                ps->pending_space = 1; /* a joined line break is a space */
            }
            if (nw_paras_add_text(ps, line + lead + bl, len - lead - bl, 0) != NW_OK) {
                return NW_E_NOMEM;
            }
            if (bl && nw_paras_current(ps)) {
                nw_paras_current(ps)->bullet = 1;
            }
            prev_ends = ends_sentence(line, len) || bl;
        }
        i = end + 1;
    }
    return nw_paras_break(ps);
}
