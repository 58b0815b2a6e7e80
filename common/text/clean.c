/* clean.c - orchestrates extraction (HTML or text), title choice and paragraph
 * classification, and keeps the accounting that becomes the "clean" report. */
#include "clean.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/nw_error.h"
#include "html_extract.h"
#include "paragraphs.h"

struct nw_cleaner {
    nw_paras paras;
    nw_buf scratch;
    nw_buf reasons; /* one nw_bp_reason per paragraph */
    nw_clean_result res;
    nw_html_result html;
};

nw_cleaner *nw_cleaner_new(void)
{
    nw_cleaner *c = calloc(1, sizeof *c);
    if (!c) {
        return NULL;
    }
    nw_paras_init(&c->paras);
    nw_buf_init(&c->scratch);
    nw_buf_init(&c->reasons);
    nw_buf_init(&c->res.text);
    nw_buf_init(&c->res.title);
    nw_buf_init(&c->res.byline);
    nw_html_result_init(&c->html);
    return c;
}

void nw_cleaner_free(nw_cleaner *c)
{
    if (!c) {
        return;
    }
    nw_paras_release(&c->paras);
    nw_buf_release(&c->scratch);
    nw_buf_release(&c->reasons);
    nw_buf_release(&c->res.text);
    nw_buf_release(&c->res.title);
    nw_buf_release(&c->res.byline);
    nw_html_result_release(&c->html);
    free(c);
}

static void reset(nw_cleaner *c)
{
    nw_paras_reset(&c->paras);
    nw_clean_result *r = &c->res;
    nw_buf_reset(&r->text);
    nw_buf_reset(&r->title);
    nw_buf_reset(&r->byline);
    r->chars_in = r->chars_out = r->paragraphs_kept = r->paragraphs_dropped = 0;
    memset(r->drops, 0, sizeof r->drops);
    r->is_html = 0;
    nw_buf_reset(&c->html.title);
    c->html.pruned_chars = c->html.pruned_blocks = 0;
}

static int ends_sentence(const char *s, size_t n)
{
    char c = n ? s[n - 1] : 0;
    return c == '.' || c == '!' || c == '?';
}

/* Plain text has no <title>: a short first paragraph that is not a sentence is the headline. */
static int first_para_is_title(const nw_paras *ps)
{
    if (!ps->n || ps->v[0].bullet) {
        return 0;
    }
    const char *s = nw_para_str(ps, 0);
    size_t n = ps->v[0].len;
    size_t words = nw_bp_word_count(s, n);
    return words >= 3 && words <= 20 && !ends_sentence(s, n);
}

static int set_title(nw_cleaner *c, const char *title_in)
{
    nw_clean_result *r = &c->res;
    if (title_in && *title_in) {
        /* fold white space the same way paragraphs are folded */
        nw_paras tmp;
        nw_paras_init(&tmp);
        int rc = nw_paras_add_text(&tmp, title_in, strlen(title_in), 0);
        if (rc == NW_OK && tmp.n) {
            rc = nw_buf_append(&r->title, nw_para_str(&tmp, 0), tmp.v[0].len);
        }
        nw_paras_release(&tmp);
        return rc;
    }
    if (r->is_html && c->html.title.len) {
        return nw_buf_append(&r->title, c->html.title.data, c->html.title.len);
    }
    if (!r->is_html && first_para_is_title(&c->paras)) {
        return nw_buf_append(&r->title, nw_para_str(&c->paras, 0), c->paras.v[0].len);
    }
    return NW_OK;
}

static nw_bp_reason classify(nw_cleaner *c, size_t i)
{
    const nw_para *p = &c->paras.v[i];
    const char *s = nw_para_str(&c->paras, i);
    const nw_clean_result *r = &c->res;
    if (r->title.len && p->len == r->title.len && strncasecmp(s, r->title.data, p->len) == 0) {
        return NW_BP_TITLE;
    }
    nw_bp_input in = {s, p->len, p->link_chars, p->heading, p->bullet};
    return nw_bp_classify(&in, c->scratch.data);
}

/* Context, as jusText does with neighbours: list items right after a dropped block belong to
 * it (the bullets of a subscription appeal), and after a "Related" marker every fragment that
 * is not a sentence is more of the related block. */
static nw_bp_reason inherit(const nw_cleaner *c, size_t i, nw_bp_reason own, nw_bp_reason prev)
{
    if (own != NW_BP_NONE || prev == NW_BP_NONE || prev == NW_BP_TITLE) {
        return own;
    }
    const nw_para *p = &c->paras.v[i];
    const char *s = nw_para_str(&c->paras, i);
    size_t words = nw_bp_word_count(s, p->len);
    if (p->bullet && words < 25) {
        return prev;
    }
    if (prev == NW_BP_RELATED && !ends_sentence(s, p->len)) {
        return NW_BP_RELATED;
    }
    return own;
}

/* A page's article is one run of paragraphs; menus, teasers and footers kept by the rules lie
 * outside it. The run is the maximum-sum segment (Kadane) where a kept paragraph counts its
 * length and a dropped one counts against, so gaps of debris split runs apart. */
static void keep_densest_run(nw_cleaner *c)
{
    long best = 0, cur = 0;
    size_t best_lo = 0, best_hi = 0, lo = 0;
    for (size_t i = 0; i < c->paras.n; i++) {
        long len = (long)c->paras.v[i].len;
        long w = c->reasons.data[i] == NW_BP_NONE ? len : -(len < 200 ? len : 200);
        if (cur <= 0) {
            cur = 0;
            lo = i;
        }
        cur += w;
        if (cur > best) {
            best = cur;
            best_lo = lo;
            best_hi = i + 1;
        }
    }
    for (size_t i = 0; i < c->paras.n; i++) {
        if ((i < best_lo || i >= best_hi) && c->reasons.data[i] == NW_BP_NONE) {
            c->reasons.data[i] = (char)NW_BP_OUTSIDE_MAIN;
        }
    }
}

static int keep_paragraph(nw_clean_result *r, const char *s, size_t n)
{
    if (r->text.len && nw_buf_append(&r->text, "\n\n", 2) != NW_OK) {
        return NW_E_NOMEM;
    }
    r->paragraphs_kept++;
    return nw_buf_append(&r->text, s, n);
}

int nw_cleaner_run(nw_cleaner *c, const char *body, size_t n, nw_content_type ct,
                   const char *title_in, const nw_clean_result **out)
{
    reset(c);
    nw_clean_result *r = &c->res;
    r->chars_in = n;
    r->is_html = ct == NW_CT_HTML || (ct == NW_CT_SNIFF && nw_html_sniff(body, n));
    int rc = r->is_html ? nw_html_extract(body, n, &c->paras, &c->html)
                        : nw_paras_from_text(&c->paras, body, n);
    if (rc == NW_OK) {
        rc = set_title(c, title_in);
    }
    if (rc == NW_OK) {
        rc = nw_buf_reserve(&c->scratch, c->paras.text.len + 1);
    }
    nw_bp_reason prev = NW_BP_NONE;
    if (rc == NW_OK && nw_buf_reserve(&c->reasons, c->paras.n) != NW_OK) {
        rc = NW_E_NOMEM;
    }
    for (size_t i = 0; rc == NW_OK && i < c->paras.n; i++) {
        nw_bp_reason why = inherit(c, i, classify(c, i), prev);
        c->reasons.data[i] = (char)why;
        prev = why;
    }
    if (rc == NW_OK && r->is_html) {
        keep_densest_run(c);
    }
    for (size_t i = 0; rc == NW_OK && i < c->paras.n; i++) {
        const char *s = nw_para_str(&c->paras, i);
        size_t len = c->paras.v[i].len;
        nw_bp_reason why = (nw_bp_reason)c->reasons.data[i];
        if (why == NW_BP_NONE) {
            rc = keep_paragraph(r, s, len);
            continue;
        }
        if (why == NW_BP_BYLINE && r->byline.len == 0) {
            rc = nw_buf_append(&r->byline, s, len);
        }
        r->drops[why].chars += len;
        r->drops[why].paragraphs++;
        r->paragraphs_dropped++;
    }
    if (c->html.pruned_blocks) {
        r->drops[NW_BP_PRUNED_CONTAINER].chars += c->html.pruned_chars;
        r->drops[NW_BP_PRUNED_CONTAINER].paragraphs += c->html.pruned_blocks;
    }
    r->chars_out = r->text.len;
    *out = r;
    return rc;
}
