/* clean.c - orchestrates extraction (HTML or text), title choice and paragraph
 * classification, and keeps the accounting that becomes the "clean" report. */
#include "clean.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/nw_error.h"
#include "../sketch/shingle.h"
#include "../sketch/tokenize.h"
#include "best_box.h"
#include "html_extract.h"
#include "paragraphs.h"

/* JSON-LD articleBody is used when it has at least this many characters. */
#define NW_LD_MIN_CHARS 300

struct nw_cleaner {
    nw_paras paras;
    nw_paras ld_paras;     /* the JSON-LD articleBody as paragraphs, when it stands in */
    nw_u64vec tok, sh, ld; /* scratch for the articleBody comparison */
    nw_buf scratch;
    nw_buf reasons; /* one nw_bp_reason per paragraph */
    nw_clean_result res;
    nw_html_result html;
    nw_box_scores boxes;
};

nw_cleaner *nw_cleaner_new(void)
{
    nw_cleaner *c = calloc(1, sizeof *c);
    if (!c) {
        return NULL;
    }
    nw_paras_init(&c->paras);
    nw_paras_init(&c->ld_paras);
    nw_u64vec_init(&c->tok);
    nw_u64vec_init(&c->sh);
    nw_u64vec_init(&c->ld);
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
    nw_paras_release(&c->ld_paras);
    nw_u64vec_release(&c->tok);
    nw_u64vec_release(&c->sh);
    nw_u64vec_release(&c->ld);
    nw_buf_release(&c->scratch);
    nw_buf_release(&c->reasons);
    nw_buf_release(&c->res.text);
    nw_buf_release(&c->res.title);
    nw_buf_release(&c->res.byline);
    nw_html_result_release(&c->html);
    nw_box_scores_release(&c->boxes);
    free(c);
}

static void reset(nw_cleaner *c)
{
    nw_paras_reset(&c->paras);
    nw_paras_reset(&c->ld_paras);
    nw_clean_result *r = &c->res;
    nw_buf_reset(&r->text);
    nw_buf_reset(&r->title);
    nw_buf_reset(&r->byline);
    r->chars_in = r->chars_out = r->paragraphs_kept = r->paragraphs_dropped = 0;
    memset(r->drops, 0, sizeof r->drops);
    r->is_html = 0;
    nw_buf_reset(&c->html.title);
    nw_buf_reset(&c->html.ld_body);
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
        return nw_fold_space(title_in, strlen(title_in), &r->title);
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
 * length (twice inside 'box', the page's best box) and a dropped one counts against, so gaps
 * of debris split runs apart. The best box tips the choice when the next stories, a comment
 * thread or a sidebar of teasers hold more text than the article. */
static void keep_densest_run(nw_cleaner *c, uintptr_t box)
{
    long best = 0, cur = 0;
    size_t best_lo = 0, best_hi = 0, lo = 0;
    for (size_t i = 0; i < c->paras.n; i++) {
        long len = (long)c->paras.v[i].len;
        long w = c->reasons.data[i] == NW_BP_NONE ? len : -(len < 200 ? len : 200);
        if (w > 0 && nw_para_in_box(&c->paras.v[i], box)) {
            w *= 2; /* the best box's text counts double: a longer sidebar seldom outweighs it */
        }
        if (w < 0 && c->paras.v[i].heading) {
            w = -400; /* a dropped heading (a linked headline) starts another item */
        }
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

/* Microdata itemprop="articleBody" is the site naming its article: inside it, the weak
 * reasons give way (a results table or a list of short lines is the article there); outside
 * it, kept paragraphs go once the marked text outweighs them (a teaser-only mark does not). */
#define NW_MICRODATA_MIN 200

static int weak_reason(nw_bp_reason r)
{
    return r == NW_BP_SHORT || r == NW_BP_TIMESTAMP || r == NW_BP_LINK_DENSE ||
           r == NW_BP_OUTSIDE_MAIN;
}

static void apply_microdata(nw_cleaner *c)
{
    size_t inside = 0, kept_outside = 0;
    for (size_t i = 0; i < c->paras.n; i++) {
        const nw_para *p = &c->paras.v[i];
        if (p->in_body) {
            inside += p->len;
        } else if (c->reasons.data[i] == NW_BP_NONE) {
            kept_outside += p->len;
        }
    }
    if (inside < NW_MICRODATA_MIN) {
        return;
    }
    for (size_t i = 0; i < c->paras.n; i++) {
        char *why = &c->reasons.data[i];
        if (c->paras.v[i].in_body && weak_reason((nw_bp_reason)*why)) {
            *why = NW_BP_NONE;
        } else if (!c->paras.v[i].in_body && *why == NW_BP_NONE && inside >= kept_outside) {
            *why = NW_BP_NOT_IN_ARTICLE_BODY;
        }
    }
}

/* jusText's context rule: short lines (list items, table rows, subheads) between article
 * paragraphs are article too. Runs of short and link-dense paragraphs whose nearest other
 * paragraphs on both sides are kept: the short ones are kept, and the link-dense ones under
 * 80% links when both neighbours sit in the same box as they do (a numbered list of linked
 * titles with their dates, in a roundup; a blogroll of bare links stays out). */
/* under 80% of the paragraph is link text: partly linked (a linked title and its date) */
static int partly_linked(const nw_para *p)
{
    return p->link_chars * 5 <= p->len * 4;
}

static int joinable(const nw_cleaner *c, size_t i)
{
    char why = c->reasons.data[i];
    return why == NW_BP_SHORT || why == NW_BP_LINK_DENSE;
}

static void keep_short_between_kept(nw_cleaner *c)
{
    for (size_t i = 0; i < c->paras.n;) {
        if (!joinable(c, i)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < c->paras.n && joinable(c, j)) {
            j++;
        }
        if (i > 0 && j < c->paras.n && c->reasons.data[i - 1] == NW_BP_NONE &&
            c->reasons.data[j] == NW_BP_NONE) {
            uintptr_t box = c->paras.v[i - 1].box[0];
            int same = box && c->paras.v[j].box[0] == box;
            for (size_t k = i; k < j; k++) {
                const nw_para *p = &c->paras.v[k];
                if (c->reasons.data[k] == NW_BP_SHORT ||
                    (same && nw_para_in_box(p, box) && partly_linked(p))) {
                    c->reasons.data[k] = NW_BP_NONE;
                }
            }
        }
        i = j;
    }
}

/* Headings that open the readers' comments: "Comments", "Comments (3)", "Leave a Reply",
 * "Recent Comments"; with a count before them, "1 Comment", "3 Responses to ...", "12
 * thoughts on ...", "5 Replies" (without one, "Comment" or "Responses" is a section of an
 * article: a PR guide's "Comment", a report's "Responses"). */
static const struct comment_head {
    const char *text;
    int counted;
} comment_heads[] = {{"comments", 0},
                     {"leave a reply", 0},
                     {"leave a comment", 0},
                     {"reader comments", 0},
                     {"join the discussion", 0},
                     {"recent comments", 0},
                     {"comment", 1},
                     {"responses", 1},
                     {"response", 1},
                     {"replies", 1},
                     {"reply", 1},
                     {"thoughts on", 1},
                     {NULL, 0}};

/* What may follow a heading's words: after a count, anything but more letters ("3 Responses
 * to ..."); without one, nothing, a colon or a parenthesis ("Comments (3)"), so "Comments on
 * the plan" stays an article's heading. */
static int heading_ends(const char *s, const char *end, int counted)
{
    if (s == end) {
        return 1;
    }
    if (counted) {
        return !isalpha((unsigned char)*s);
    }
    while (s < end && *s == ' ') {
        s++;
    }
    return s < end && (*s == ':' || *s == '(');
}

static int opens_comments(const nw_cleaner *c, size_t i)
{
    const nw_para *p = &c->paras.v[i];
    if (!p->heading || p->len > 120) {
        return 0;
    }
    const char *s = nw_para_str(&c->paras, i), *end = s + p->len;
    int counted = 0;
    while (s < end && (isdigit((unsigned char)*s) || *s == ' ')) {
        counted |= isdigit((unsigned char)*s);
        s++;
    }
    for (const struct comment_head *h = comment_heads; h->text; h++) {
        size_t n = strlen(h->text);
        if ((counted || !h->counted) && (size_t)(end - s) >= n && strncasecmp(s, h->text, n) == 0 &&
            heading_ends(s + n, end, counted)) {
            return 1;
        }
    }
    return 0;
}

/* Reader comments run on after the article in the same box on many blogs: from a heading
 * that opens them, once 200 bytes of article text came before it, nothing kept is the
 * article. */
static void drop_comments(nw_cleaner *c)
{
    size_t article_before = 0;
    for (size_t i = 0; i < c->paras.n; i++) {
        if (article_before >= 200 && opens_comments(c, i)) {
            for (size_t j = i; j < c->paras.n; j++) {
                if (c->reasons.data[j] == NW_BP_NONE) {
                    c->reasons.data[j] = (char)NW_BP_COMMENTS;
                }
            }
            return;
        }
        article_before += c->reasons.data[i] == NW_BP_NONE ? c->paras.v[i].len : 0;
    }
}

/* A line the article introduces a list with ("2020 tour dates:", "Ingredients:") */
static int introduces_list(const nw_paras *ps, size_t i)
{
    size_t n = ps->v[i].len;
    return n && nw_para_str(ps, i)[n - 1] == ':';
}

/* Short lines (dates, places, ingredients) a kept paragraph or a line ending in ':'
 * introduces, are the list it introduces: the colon line and the run of short,
 * timestamp-shaped and partly linked lines (a deal's product linked, its price not) after
 * it are kept, two lines at least. A line of links (80% and more) ends the run. */
static int list_item(const nw_cleaner *c, size_t i)
{
    const nw_para *p = &c->paras.v[i];
    char why = c->reasons.data[i];
    return why == NW_BP_SHORT || why == NW_BP_TIMESTAMP ||
           (why == NW_BP_LINK_DENSE && partly_linked(p));
}

static void keep_introduced_lists(nw_cleaner *c)
{
    for (size_t i = 0; i + 2 < c->paras.n; i++) {
        char why = c->reasons.data[i];
        if (!introduces_list(&c->paras, i) || (why != NW_BP_NONE && why != NW_BP_SHORT)) {
            continue;
        }
        size_t j = i + 1;
        while (j < c->paras.n && list_item(c, j)) {
            j++;
        }
        if (j - i > 2) {
            memset(c->reasons.data + i, NW_BP_NONE, j - i);
        }
        i = j - 1;
    }
}

/* The box around 'box' (the nearest enclosing one any paragraph records), 0 when none is. */
static uintptr_t parent_box(const nw_paras *ps, uintptr_t box)
{
    for (size_t i = 0; i < ps->n; i++) {
        for (int k = 0; k + 1 < NW_PARA_BOXES; k++) {
            if (ps->v[i].box[k] == box && ps->v[i].box[k + 1]) {
                return ps->v[i].box[k + 1];
            }
        }
    }
    return 0;
}

/* The best box (best_box.h) holds the article: when it holds two thirds of the kept text,
 * kept paragraphs outside it go (the next story, a comment thread run on after it). Kept
 * paragraphs set directly in the box around it stay (Readability's sibling rule), and above
 * it, any in the box around it or the one around that: a lead, a standfirst or the first
 * paragraphs set apart from the body ("story-intro" and three paragraphs, then the rest
 * behind "Read more"). After the body, a box of its own is the next story. */
static int keep_best_box(nw_cleaner *c)
{
    uintptr_t best;
    if (nw_best_box(&c->boxes, &c->paras, c->reasons.data, &best) != NW_OK) {
        return NW_E_NOMEM;
    }
    if (!best) {
        return NW_OK;
    }
    uintptr_t around = parent_box(&c->paras, best), lead_box = parent_box(&c->paras, around);
    size_t first = 0; /* the box's first paragraph: a lead sits above it */
    while (first < c->paras.n && !nw_para_in_box(&c->paras.v[first], best)) {
        first++;
    }
    size_t inside = 0, total = 0;
    char *in_article = c->scratch.data; /* one flag a paragraph; scratch holds the text's size */
    for (size_t i = 0; i < c->paras.n; i++) {
        const nw_para *p = &c->paras.v[i];
        in_article[i] = nw_para_in_box(p, best) || (around && p->box[0] == around) ||
                        (i < first && (nw_para_in_box(p, around) || nw_para_in_box(p, lead_box)));
        if (c->reasons.data[i] == NW_BP_NONE) {
            total += p->len;
            inside += in_article[i] ? p->len : 0;
        }
    }
    if (3 * inside < 2 * total) {
        return NW_OK;
    }
    for (size_t i = 0; i < c->paras.n; i++) {
        if (c->reasons.data[i] == NW_BP_NONE && !in_article[i]) {
            c->reasons.data[i] = (char)NW_BP_OUTSIDE_MAIN;
        }
    }
    return NW_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The word 3-shingles of a text into c->sh (a set). */
static int shingles_of(nw_cleaner *c, const char *s, size_t n)
{
    c->tok.n = 0;
    if (nw_tokenize(s, n, 0, &c->tok) != NW_OK) {
        return NW_E_NOMEM;
    }
    return nw_shingle(c->tok.v, c->tok.n, 3, &c->sh);
}

/* JSON-LD articleBody as one signal, not blind trust: a paragraph mostly inside it is article
 * text whatever the rules said. It never removes a paragraph (many sites put only a teaser
 * there). Sets *stand_in when the page's own paragraphs cover under half of it (text rendered
 * by script), and the articleBody itself should be the text. */
static int apply_article_body(nw_cleaner *c, int *stand_in)
{
    *stand_in = 0;
    const nw_buf *ld = &c->html.ld_body;
    if (ld->len < NW_LD_MIN_CHARS || shingles_of(c, ld->data, ld->len) != NW_OK) {
        return NW_OK;
    }
    nw_u64vec tmp = c->ld; /* swap buffers: c->sh becomes the articleBody set */
    c->ld = c->sh;
    c->sh = tmp;
    qsort(c->ld.v, c->ld.n, sizeof *c->ld.v, cmp_u64);
    size_t covered = 0;
    for (size_t i = 0; i < c->paras.n; i++) {
        if (shingles_of(c, nw_para_str(&c->paras, i), c->paras.v[i].len) != NW_OK) {
            return NW_E_NOMEM;
        }
        size_t hits = 0;
        for (size_t k = 0; k < c->sh.n; k++) {
            hits += bsearch(&c->sh.v[k], c->ld.v, c->ld.n, sizeof *c->ld.v, cmp_u64) != NULL;
        }
        char *why = &c->reasons.data[i];
        if (c->sh.n >= 3 && 2 * hits >= c->sh.n && *why != NW_BP_TITLE) {
            *why = NW_BP_NONE;
        }
        covered += *why == NW_BP_NONE ? hits : 0;
    }
    if (2 * covered < c->ld.n) {
        *stand_in = 1;
        return nw_paras_from_text(&c->ld_paras, ld->data, ld->len);
    }
    return NW_OK;
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
    int stand_in = 0;
    if (rc == NW_OK && r->is_html) {
        drop_comments(c);
        keep_introduced_lists(c);
        keep_short_between_kept(c);
        uintptr_t box = 0;
        rc = nw_best_box(&c->boxes, &c->paras, c->reasons.data, &box);
        keep_densest_run(c, box);
        if (rc == NW_OK) {
            rc = keep_best_box(c);
        }
        apply_microdata(c);
    }
    if (rc == NW_OK && r->is_html) {
        rc = apply_article_body(c, &stand_in);
    }
    for (size_t i = 0; stand_in && i < c->paras.n; i++) {
        if (c->reasons.data[i] == NW_BP_NONE) {
            c->reasons.data[i] = (char)NW_BP_NOT_IN_ARTICLE_BODY;
        }
    }
    for (size_t i = 0; rc == NW_OK && i < c->ld_paras.n; i++) {
        rc = keep_paragraph(r, nw_para_str(&c->ld_paras, i), c->ld_paras.v[i].len);
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

size_t nw_cleaner_paragraphs(const nw_cleaner *c)
{
    return c->paras.n;
}

nw_bp_reason nw_cleaner_paragraph(const nw_cleaner *c, size_t i, const char **text, size_t *len)
{
    *text = nw_para_str(&c->paras, i);
    *len = c->paras.v[i].len;
    return (nw_bp_reason)c->reasons.data[i];
}
