/* html_extract.c - gumbo tree walk that turns blocks into paragraphs.
 * Recursion is bounded (NW_EXTRACT_MAX_DEPTH) so a nesting bomb cannot exhaust the stack;
 * deeper content is dropped and counted as pruned. */
#include "html_extract.h"

#include <ctype.h>
#include <gumbo.h>
#include <string.h>
#include <strings.h>

#include "../core/doc.h"
#include "../core/nw_error.h"
#include "gumbo_budget.h"

#define NW_EXTRACT_MAX_DEPTH 200

void nw_html_result_init(nw_html_result *r)
{
    nw_buf_init(&r->title);
    nw_buf_init(&r->ld_body);
    r->pruned_chars = 0;
    r->pruned_blocks = 0;
    r->parser_bytes = 0;
    r->pruned_trace = NULL;
}

void nw_html_result_release(nw_html_result *r)
{
    nw_buf_release(&r->title);
    nw_buf_release(&r->ld_body);
}

/* MathML's <annotation>: the formula's TeX source beside its visible form (Wikipedia's
 * "N {\displaystyle N}"); gumbo has no tag constant for it. */
static int is_math_annotation(const GumboElement *el)
{
    return el->tag_namespace == GUMBO_NAMESPACE_MATHML &&
           (el->tag == GUMBO_TAG_ANNOTATION_XML ||
            (el->tag == GUMBO_TAG_UNKNOWN && el->original_tag.length >= 11 &&
             strncasecmp(el->original_tag.data + 1, "annotation", 10) == 0));
}

/* An element the page hides (inline display:none or visibility:hidden, the hidden attribute,
 * aria-hidden="true"): not shown, so not the article, as in Readability (Wikipedia's MathML
 * copy of a formula, a consent dialog, a collapsed menu). The style is read up to 255
 * non-space bytes. */
static int is_hidden(const GumboElement *el)
{
    GumboAttribute *st = gumbo_get_attribute(&el->attributes, "style");
    if (st) {
        char buf[256];
        size_t k = 0;
        for (const char *c = st->value; *c && k + 1 < sizeof buf; c++) {
            if (*c != ' ') {
                buf[k++] = (char)tolower((unsigned char)*c);
            }
        }
        buf[k] = '\0';
        if (strstr(buf, "display:none") || strstr(buf, "visibility:hidden")) {
            return 1;
        }
    }
    GumboAttribute *ah = gumbo_get_attribute(&el->attributes, "aria-hidden");
    return gumbo_get_attribute(&el->attributes, "hidden") ||
           (ah && strcasecmp(ah->value, "true") == 0);
}

/* Never text: pruned whatever their size. Ruby readings (<rt>, <rp>) are the small kana over
 * a kanji word, not words of the sentence. */
static int is_never_text(const GumboElement *el)
{
    if (is_math_annotation(el) || is_hidden(el)) {
        return 1;
    }
    switch (el->tag) {
    case GUMBO_TAG_RT:
    case GUMBO_TAG_RP:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_HEAD:
        return 1;
    default:
        return 0;
    }
}

/* Usually not article text; pruned unless they hold most of the page (a site that wraps the
 * whole page in a <form>, or a layout div named "with-sidebar"). */
static int is_pruned_tag(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_FIGCAPTION:
        return 1;
    default:
        return 0;
    }
}

static int is_block_tag(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_TR: /* a table row is one paragraph; its cells are words of it */
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_HR:
        return 1;
    default:
        return 0;
    }
}

/* Class/id words that mark a non-article container. Matched against whole words of the
 * attribute split on space, '-' and '_' so "nav" does not match "canvas". */
static const char *const prune_words[] = {
    "share", "sharing", "social", "related", "comment", "comments", "newsletter", "subscribe",
    "promo", "advert", "ad", "ads", "breadcrumb", "breadcrumbs", "menu", "footer", "sidebar", "nav",
    "navigation", "cookie", "popup", "modal", "tags", "signup", "outbrain", "taboola", "recirc",
    "trending", "masthead",
    /* WordPress and share-plugin widgets whose names join the words: Jetpack's
     * "jp-relatedposts" and "sharedaddy", YARPP, AddToAny, ShareThis, "like" buttons */
    "relatedposts", "sharedaddy", "yarpp", "addtoany", "sharethis", "shareaholic", "likes", NULL};

/* Words of containers that are small when they are what they say: a "caption" or "byline"
 * box holding an article's worth of text (NW_CONTENT_MIN) is the article, badly named. */
static const char *const small_words[] = {"caption", "byline", NULL};

/* Words that mark the article's own containers (Readability's positive class names); one of
 * them outweighs any pruning word, as in "content-with-sidebar". */
static const char *const keep_words[] = {"article", "body",  "content", "entry", "main",
                                         "post",    "story", "text",    "blog",  NULL};

static int word_in(const char *const *list, const char *w, size_t n)
{
    for (const char *const *p = list; *p; p++) {
        if (strlen(*p) == n && strncasecmp(*p, w, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* An id of four or more words is an anchor made from a heading's text
 * ("sharing-with-a-single-developer", "nav_nur_die_folie__1"), not a component's name. */
#define NW_SLUG_WORDS 4

/* 1 when the attribute (class, id, itemprop) has one of the words, split on non-alphanumerics,
 * so "nav" does not match "canvas". */
static int attr_has_word(const GumboElement *el, const char *name, const char *const *list)
{
    GumboAttribute *a = gumbo_get_attribute(&el->attributes, name);
    int found = 0, words = 0;
    for (const char *s = a ? a->value : ""; *s;) {
        while (*s && !isalnum((unsigned char)*s)) {
            s++;
        }
        const char *w = s, *hump = NULL;
        while (*s && isalnum((unsigned char)*s)) {
            s++;
            if (!hump && islower((unsigned char)s[-1]) && isupper((unsigned char)*s)) {
                hump = s;
            }
        }
        words += s > w;
        found |= s > w && word_in(list, w, (size_t)(s - w));
        /* camelCase: the word before its first hump ("navBar", "relatedPosts", "blogPost") */
        found |= hump && word_in(list, w, (size_t)(hump - w));
    }
    return found && !(words >= NW_SLUG_WORDS && strcmp(name, "id") == 0);
}

/* 1 when the attribute has a pruning word and no keeping word, -1 when it has a keeping word. */
static int attr_verdict(const GumboElement *el, const char *name)
{
    if (attr_has_word(el, name, keep_words)) {
        return -1;
    }
    return attr_has_word(el, name, prune_words);
}

/* Reader comments: often built of <article>s and "comment-content" blocks, never the article. */
static const char *const comment_words[] = {"comment",        "comments",    "disqus",
                                            "respond",        "commentbody", "commentlist",
                                            "commentform",    "commentarea", "commentthread",
                                            "commentwrap",    "commenttext", "commentcontent",
                                            "commentsection", NULL};

/* schema.org microdata: the element holding the article's text */
static const char *const article_body_words[] = {"articleBody", NULL};

static int is_comments(const GumboElement *el)
{
    return attr_has_word(el, "class", comment_words) || attr_has_word(el, "id", comment_words);
}

/* What an element's class and id call it: a pruning word and no keeping word (NAME_PRUNE);
 * else caption or byline and no keeping word (NAME_SMALL); else nothing to prune it for. Both
 * attributes are read once. */
enum attr_name { NAME_NONE, NAME_PRUNE, NAME_SMALL };

static enum attr_name attr_name_of(const GumboElement *el)
{
    int c = attr_verdict(el, "class"), i = attr_verdict(el, "id");
    if (c < 0 || i < 0) {
        return NAME_NONE;
    }
    if (c > 0 || i > 0) {
        return NAME_PRUNE;
    }
    return attr_has_word(el, "class", small_words) || attr_has_word(el, "id", small_words)
               ? NAME_SMALL
               : NAME_NONE;
}

static size_t text_bytes(const GumboNode *n, int depth);

/* A container holding more than this share of the page's text is a layout wrapper. */
#define NW_WRAPPER_SHARE 0.4

/* The most text held by one descendant that names itself content ("entry-content",
 * "article-body") or is an <article> or <main>. */
static size_t content_inside(const GumboNode *n, int depth)
{
    if (n->type != GUMBO_NODE_ELEMENT || depth > NW_EXTRACT_MAX_DEPTH ||
        is_never_text(&n->v.element)) {
        return 0;
    }
    const GumboElement *el = &n->v.element;
    if (is_comments(el)) {
        return 0;
    }
    if (el->tag == GUMBO_TAG_ARTICLE || el->tag == GUMBO_TAG_MAIN ||
        attr_verdict(el, "class") < 0 || attr_verdict(el, "id") < 0) {
        return text_bytes(n, depth);
    }
    size_t best = 0;
    for (unsigned i = 0; i < el->children.length; i++) {
        size_t t = content_inside(el->children.data[i], depth + 1);
        best = t > best ? t : best;
    }
    return best;
}

/* A container the article sits in is not pruned for its name ("penci_sidebar" around
 * "entry-content"): content there must be at least this share of its text. */
#define NW_CONTENT_SHARE 0.5
#define NW_CONTENT_MIN 500

/* 1 when the element is left out; *text gets its text bytes when it is (0 for never-text). */
static int is_pruned(const GumboNode *n, int depth, size_t page_text, size_t *text_out)
{
    const GumboElement *el = &n->v.element;
    *text_out = 0;
    if (is_never_text(el)) {
        return 1;
    }
    if (el->tag == GUMBO_TAG_BODY || el->tag == GUMBO_TAG_HTML || el->tag == GUMBO_TAG_ARTICLE ||
        el->tag == GUMBO_TAG_MAIN) {
        return 0;
    }
    enum attr_name name = is_pruned_tag(el->tag) ? NAME_PRUNE : attr_name_of(el);
    if (name == NAME_NONE) {
        return 0;
    }
    size_t text = text_bytes(n, depth);
    if (name == NAME_SMALL && text >= NW_CONTENT_MIN) {
        return 0;
    }
    if ((double)text > NW_WRAPPER_SHARE * (double)page_text) {
        return 0;
    }
    *text_out = text;
    if (text < NW_CONTENT_MIN || is_comments(el)) {
        return 1;
    }
    size_t content = content_inside(n, depth);
    return !(content >= NW_CONTENT_MIN && (double)content >= NW_CONTENT_SHARE * (double)text);
}

static size_t text_bytes(const GumboNode *n, int depth)
{
    if (n->type == GUMBO_NODE_TEXT) {
        return strlen(n->v.text.text);
    }
    if (n->type != GUMBO_NODE_ELEMENT || depth > NW_EXTRACT_MAX_DEPTH) {
        return 0;
    }
    size_t total = 0;
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++) {
        total += text_bytes(c->data[i], depth + 1);
    }
    return total;
}

typedef struct walk {
    nw_paras *ps;
    nw_html_result *r;
    size_t page_text; /* text bytes under <body>, for the wrapper rule */
    int in_body;      /* depth of itemprop="articleBody" elements around the walk */
    const GumboNode *boxes[NW_EXTRACT_MAX_DEPTH + 2]; /* containing boxes, outermost first */
    int nboxes;
    int rc;
} walk;

static int is_box_tag(GumboTag t)
{
    return t == GUMBO_TAG_DIV || t == GUMBO_TAG_SECTION || t == GUMBO_TAG_ARTICLE ||
           t == GUMBO_TAG_MAIN || t == GUMBO_TAG_TD || t == GUMBO_TAG_BODY || t == GUMBO_TAG_UL ||
           t == GUMBO_TAG_OL;
}

/* The longest "articleBody" string anywhere in a JSON-LD value (objects, @graph arrays). */
static const char *find_article_body(yajl_val v, int depth)
{
    const char *best = NULL;
    if (!v || depth > 16) {
        return NULL;
    }
    if (YAJL_IS_OBJECT(v)) {
        for (size_t i = 0; i < v->u.object.len; i++) {
            yajl_val x = v->u.object.values[i];
            const char *c = strcmp(v->u.object.keys[i], "articleBody") == 0 && YAJL_IS_STRING(x)
                                ? x->u.string
                                : find_article_body(x, depth + 1);
            if (c && (!best || strlen(c) > strlen(best))) {
                best = c;
            }
        }
    } else if (YAJL_IS_ARRAY(v)) {
        for (size_t i = 0; i < v->u.array.len; i++) {
            const char *c = find_article_body(v->u.array.values[i], depth + 1);
            if (c && (!best || strlen(c) > strlen(best))) {
                best = c;
            }
        }
    }
    return best;
}

static void take_json_ld(nw_html_result *r, const GumboElement *el)
{
    GumboAttribute *type = gumbo_get_attribute(&el->attributes, "type");
    if (!type || strcasecmp(type->value, "application/ld+json") != 0 || el->children.length != 1) {
        return;
    }
    const GumboNode *t = el->children.data[0];
    if (t->type != GUMBO_NODE_TEXT && t->type != GUMBO_NODE_CDATA &&
        t->type != GUMBO_NODE_WHITESPACE) {
        return;
    }
    nw_err err;
    yajl_val v = nw_json_parse(t->v.text.text, strlen(t->v.text.text), &err);
    const char *body = find_article_body(v, 0);
    if (body && strlen(body) > r->ld_body.len) {
        nw_buf_reset(&r->ld_body);
        nw_buf_puts(&r->ld_body, body);
    }
    if (v) {
        yajl_tree_free(v);
    }
}

static void append_node_text(nw_buf *b, const GumboNode *n, int depth);

/* <a href="#..."> points into the page (a section heading linked to its own anchor, as
 * Sphinx and Wikipedia do, a footnote mark): its text is not a link away, so such a heading
 * is not a linked headline that starts another story. */
static int is_in_page_link(const GumboElement *el)
{
    GumboAttribute *h = gumbo_get_attribute(&el->attributes, "href");
    return h && h->value[0] == '#';
}

/* "tag.class#id<TAB>its text" for a tool's trace of what pruning removed */
static void trace_pruned(nw_buf *t, const GumboNode *n, int depth)
{
    const GumboElement *el = &n->v.element;
    GumboAttribute *cls = gumbo_get_attribute(&el->attributes, "class");
    GumboAttribute *id = gumbo_get_attribute(&el->attributes, "id");
    nw_buf raw;
    nw_buf_init(&raw);
    append_node_text(&raw, n, depth);
    nw_buf_printf(t, "%s.%s#%s\t", gumbo_normalized_tagname(el->tag), cls ? cls->value : "",
                  id ? id->value : "");
    nw_fold_space(raw.data ? raw.data : "", raw.len, t);
    nw_buf_putc(t, '\n');
    nw_buf_release(&raw);
}

static void walk_node(walk *w, const GumboNode *n, int depth, int in_link)
{
    if (w->rc != NW_OK) {
        return;
    }
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
        const char *t = n->v.text.text;
        w->rc = nw_paras_add_text(w->ps, t, strlen(t), in_link);
        nw_para *cur = nw_paras_current(w->ps);
        if (cur && w->in_body) {
            cur->in_body = 1;
        }
        if (cur && !cur->box[0]) {
            for (int k = 0; k < NW_PARA_BOXES && k < w->nboxes; k++) {
                cur->box[k] = (uintptr_t)w->boxes[w->nboxes - 1 - k];
            }
        }
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT) {
        return;
    }
    const GumboElement *el = &n->v.element;
    if (el->tag == GUMBO_TAG_SCRIPT) {
        take_json_ld(w->r, el);
    }
    size_t pruned_text = 0;
    if (depth > NW_EXTRACT_MAX_DEPTH || is_pruned(n, depth, w->page_text, &pruned_text)) {
        w->r->pruned_chars += pruned_text;
        w->r->pruned_blocks++;
        if (w->r->pruned_trace && pruned_text) {
            trace_pruned(w->r->pruned_trace, n, depth);
        }
        return;
    }
    int block = is_block_tag(el->tag);
    if (block) {
        w->rc = nw_paras_break(w->ps);
    } else if (el->tag == GUMBO_TAG_TD || el->tag == GUMBO_TAG_TH) {
        w->rc = nw_paras_add_text(w->ps, " ", 1, in_link); /* cells apart, as words */
    }
    int link = in_link || (el->tag == GUMBO_TAG_A && !is_in_page_link(el));
    int body = attr_has_word(el, "itemprop", article_body_words);
    int box = is_box_tag(el->tag) && w->nboxes < NW_EXTRACT_MAX_DEPTH + 2;
    w->in_body += body;
    if (box) {
        w->boxes[w->nboxes++] = n;
    }
    for (unsigned i = 0; i < el->children.length && w->rc == NW_OK; i++) {
        walk_node(w, el->children.data[i], depth + 1, link);
    }
    w->in_body -= body;
    w->nboxes -= box;
    if (block && w->rc == NW_OK) {
        nw_para *cur = nw_paras_current(w->ps);
        if (cur && el->tag >= GUMBO_TAG_H1 && el->tag <= GUMBO_TAG_H6) {
            cur->heading = 1;
        }
        if (cur && el->tag == GUMBO_TAG_LI) {
            cur->bullet = 1;
        }
        w->rc = nw_paras_break(w->ps);
    }
}

static const GumboNode *find_tag(const GumboNode *n, GumboTag tag, int depth)
{
    if (n->type != GUMBO_NODE_ELEMENT || depth > NW_EXTRACT_MAX_DEPTH) {
        return NULL;
    }
    if (n->v.element.tag == tag) {
        return n;
    }
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++) {
        const GumboNode *f = find_tag(c->data[i], tag, depth + 1);
        if (f) {
            return f;
        }
    }
    return NULL;
}

static void append_node_text(nw_buf *b, const GumboNode *n, int depth)
{
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE) {
        nw_buf_puts(b, n->v.text.text);
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT || depth > NW_EXTRACT_MAX_DEPTH) {
        return;
    }
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++) {
        append_node_text(b, c->data[i], depth + 1);
    }
}

/* og:title from <meta property="og:title" content="...">, searched in <head>. */
static const char *og_title(const GumboNode *head)
{
    const GumboVector *c = &head->v.element.children;
    for (unsigned i = 0; i < c->length; i++) {
        const GumboNode *m = c->data[i];
        if (m->type != GUMBO_NODE_ELEMENT || m->v.element.tag != GUMBO_TAG_META) {
            continue;
        }
        GumboAttribute *p = gumbo_get_attribute(&m->v.element.attributes, "property");
        GumboAttribute *v = gumbo_get_attribute(&m->v.element.attributes, "content");
        if (p && v && strcasecmp(p->value, "og:title") == 0) {
            return v->value;
        }
    }
    return NULL;
}

static void extract_title(const GumboNode *root, nw_buf *title)
{
    const GumboNode *head = find_tag(root, GUMBO_TAG_HEAD, 0);
    const char *og = head ? og_title(head) : NULL;
    nw_buf raw;
    nw_buf_init(&raw);
    if (og) {
        nw_buf_puts(&raw, og);
    } else {
        const GumboNode *t = find_tag(root, GUMBO_TAG_TITLE, 0);
        if (!t) {
            t = find_tag(root, GUMBO_TAG_H1, 0);
        }
        if (t) {
            append_node_text(&raw, t, 0);
        }
    }
    if (raw.len) {
        nw_fold_space(raw.data, raw.len, title);
    }
    nw_buf_release(&raw);
}

size_t nw_html_parser_budget(size_t n)
{
    return NW_HTML_PARSER_BASE + NW_HTML_PARSER_PER_BYTE * n;
}

int nw_html_extract(const char *html, size_t n, nw_paras *ps, nw_html_result *r)
{
    GumboOptions opts;
    static _Thread_local nw_gumbo_budget budget; /* not a local: it is read after longjmp */
    jmp_buf over;
    nw_gumbo_budget_init(&budget, nw_html_parser_budget(n), &over, &opts);
    if (setjmp(over)) {
        r->parser_bytes = budget.used;
        nw_gumbo_budget_release(&budget);
        return NW_E_INPUT;
    }
    GumboOutput *out = gumbo_parse_with_options(&opts, html, n);
    r->parser_bytes = budget.used;
    extract_title(out->root, &r->title);
    const GumboNode *head = find_tag(out->root, GUMBO_TAG_HEAD, 0);
    for (unsigned i = 0; head && i < head->v.element.children.length; i++) {
        const GumboNode *c = head->v.element.children.data[i];
        if (c->type == GUMBO_NODE_ELEMENT && c->v.element.tag == GUMBO_TAG_SCRIPT) {
            take_json_ld(r, &c->v.element);
        }
    }
    const GumboNode *body = find_tag(out->root, GUMBO_TAG_BODY, 0);
    const GumboNode *top = body ? body : out->root;
    walk w = {ps, r, text_bytes(top, 0), 0, {0}, 0, NW_OK};
    walk_node(&w, top, 0, 0);
    if (w.rc == NW_OK) {
        w.rc = nw_paras_break(ps);
    }
    gumbo_destroy_output(&opts, out);
    nw_gumbo_budget_release(&budget);
    return w.rc;
}

int nw_html_sniff(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)s[i])) {
        i++;
    }
    if (i < n && s[i] == '<') {
        return 1;
    }
    /* a tag of a page near the start; jump from '<' to '<' instead of testing every byte */
    static const char *const marks[] = {"<html", "<body", "<p>", "<div", "<br", NULL};
    size_t lim = n < 2048 ? n : 2048;
    for (const char *p = memchr(s, '<', lim); p;
         p = memchr(p + 1, '<', lim - (size_t)(p + 1 - s))) {
        for (const char *const *m = marks; *m; m++) {
            size_t ml = strlen(*m);
            if ((size_t)(p - s) + ml <= lim && strncasecmp(p, *m, ml) == 0) {
                return 1;
            }
        }
        if ((size_t)(p + 1 - s) >= lim) {
            break;
        }
    }
    return 0;
}
