/* html_scan.c - tags read just far enough to know their names: start tags push their name on a
 * bounded stack, an end tag pops down to the open element it names and is ignored when none
 * is open (as the HTML parser does: "<svg></ul>" nests the next <svg> deeper). Unknown
 * structure (a stray '<') is text. */
#include "html_scan.h"

#include <string.h>
#include <strings.h>

#include "../core/nw_error.h"

/* Names compared lower-case, at most 15 bytes (longer names are no element we count apart);
 * the bytes after the name are zero, so two names compare as one 16-byte memcmp. */
typedef struct tag_name {
    char s[16];
    size_t len;
} tag_name;

/* The open elements that count towards the depth, innermost last. Each remembers whether
 * the parser is in foreign content (SVG or MathML) while it is the current node: there the
 * rules differ (see start_tag). */
typedef struct open_el {
    tag_name name;
    unsigned foreign; /* 1 + the index of the open <svg> or <math> whose content this is; 0 */
} open_el;

typedef struct open_stack {
    open_el el[NW_HTML_MAX_DEPTH];
    unsigned depth;
    unsigned foreign; /* the current node's */
} open_stack;

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t read_name(const char *p, size_t left, tag_name *t)
{
    size_t k = 0;
    memset(t, 0, sizeof *t);
    while (k < left && (is_alpha(p[k]) || (p[k] >= '0' && p[k] <= '9') || p[k] == '-' ||
                        p[k] == ':' || p[k] == '_')) {
        if (t->len < sizeof t->s - 1) {
            char c = p[k];
            t->s[t->len++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        }
        k++;
    }
    return k;
}

static int in_list(const tag_name *t, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        if (strcmp(t->s, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Void elements, and those whose end tag the HTML spec lets authors leave out. */
static const char *const uncounted[] = {
    "area",  "base",  "br",    "col",      "embed", "hr",  "img",    "input",
    "link",  "meta",  "param", "source",   "track", "wbr", "keygen", "p",
    "li",    "dt",    "dd",    "tr",       "td",    "th",  "option", "optgroup",
    "thead", "tbody", "tfoot", "colgroup", "rb",    "rt",  "rp",     "rtc",
    "html",  "head",  "body",  "caption",  "image", NULL};

/* Raw text: nothing inside is a tag until its own end tag. */
static const char *const raw_text[] = {"script",   "style",     "textarea", "title",
                                       "xmp",      "iframe",    "noembed",  "noframes",
                                       "noscript", "plaintext", NULL};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Index just past the '>' that ends the tag starting at i, or n; *attrs counts the words
 * after white space (about the attributes). As in the HTML tokenizer, a quote opens a quoted
 * value only right after '=' (and spaces): in "<Shell U.K. Ltd's>" it is part of a name. */
static size_t tag_end(const char *h, size_t n, size_t i, size_t *attrs)
{
    char quote = 0;
    int after_space = 0, after_equals = 0;
    *attrs = 0;
    for (; i < n; i++) {
        char c = h[i];
        if (quote) {
            quote = c == quote ? 0 : quote;
        } else if ((c == '"' || c == '\'') && after_equals) {
            quote = c;
            after_equals = 0;
        } else if (c == '>') {
            return i + 1;
        } else if (is_space(c)) {
            after_space = 1;
        } else {
            *attrs += after_space && c != '=' && c != '/';
            after_space = 0;
            after_equals = c == '=';
        }
    }
    return n;
}

/* Index of the end tag "</name" of a raw-text element from i on, or n. */
static size_t raw_end(const char *h, size_t n, size_t i, const tag_name *t)
{
    for (; i + 2 + t->len <= n; i++) {
        if (h[i] == '<' && h[i + 1] == '/' && strncasecmp(h + i + 2, t->s, t->len) == 0) {
            return i;
        }
    }
    return n;
}

static size_t skip_until(const char *h, size_t n, size_t i, const char *end)
{
    size_t el = strlen(end);
    for (; i + el <= n; i++) {
        if (memcmp(h + i, end, el) == 0) {
            return i + el;
        }
    }
    return n;
}

/* In foreign content these start tags close the SVG or MathML element first (the HTML
 * standard's "breakout" list); every other start tag opens a foreign element, which nests
 * even where its HTML namesake would not ("<svg>" then "<td>" 2,000 times is 2,000 levels). */
static const char *const breakout[] = {
    "b",      "big",  "blockquote", "body",  "br",   "center", "code",    "dd",   "div",
    "dl",     "dt",   "em",         "embed", "h1",   "h2",     "h3",      "h4",   "h5",
    "h6",     "head", "hr",         "i",     "img",  "li",     "listing", "menu", "meta",
    "nobr",   "ol",   "p",          "pre",   "ruby", "s",      "small",   "span", "strong",
    "strike", "sub",  "sup",        "table", "tt",   "u",      "ul",      "var",  NULL};

/* Inside these, SVG and MathML content is HTML again. */
static const char *const integration_points[] = {
    "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml", NULL};

static int same_name(const tag_name *a, const tag_name *b)
{
    return memcmp(a->s, b->s, sizeof a->s) == 0;
}

/* Depth of the innermost open element named t, or 0 when none is open. */
static unsigned open_depth(const open_stack *st, const tag_name *t)
{
    for (unsigned d = st->depth; d > 0; d--) {
        if (same_name(&st->el[d - 1].name, t)) {
            return d;
        }
    }
    return 0;
}

/* Closes the elements from depth d up (keeps d of them). */
static void pop_to(open_stack *st, unsigned d)
{
    st->depth = d;
    st->foreign = d ? st->el[d - 1].foreign : 0;
}

static void push(open_stack *st, const tag_name *t)
{
    if (!st->foreign && (strcmp(t->s, "svg") == 0 || strcmp(t->s, "math") == 0)) {
        st->foreign = st->depth + 1;
    } else if (st->foreign && in_list(t, integration_points)) {
        st->foreign = 0;
    }
    st->el[st->depth].name = *t;
    st->el[st->depth++].foreign = st->foreign;
}

/* A new <a> closes the open one (the parser's adoption agency), but what was opened inside it
 * stays open: "<div><a>" repeated nests deeper each time. */
static void close_open_a(open_stack *st, unsigned open_a)
{
    for (unsigned k = open_a; k < st->depth; k++) {
        st->el[k - 1] = st->el[k];
        if (st->el[k - 1].foreign > open_a) {
            st->el[k - 1].foreign--;
        }
    }
    pop_to(st, st->depth - 1);
}

static int too_many_elements(nw_err *err, size_t at)
{
    return nw_err_set(err, NW_E_INPUT, "too_complex", "over %d HTML elements (at byte %zu)",
                      NW_HTML_MAX_ELEMENTS, at);
}

/* A start tag named t (not raw text): 1 when it opens an element that counts. */
static int start_tag(open_stack *st, const tag_name *t, int self_closing)
{
    static const tag_name a = {"a", 1};
    if (st->foreign && in_list(t, breakout)) {
        pop_to(st, st->foreign - 1);
    }
    if (self_closing || (!st->foreign && in_list(t, uncounted))) {
        return 0;
    }
    unsigned open_a = same_name(t, &a) ? open_depth(st, &a) : 0;
    if (open_a) {
        close_open_a(st, open_a);
    }
    return 1;
}

int nw_html_scan(const char *h, size_t n, unsigned max_depth, nw_err *err)
{
    open_stack st;
    size_t attrs, elements = 0;
    tag_name t;
    st.depth = st.foreign = 0;
    max_depth = max_depth < NW_HTML_MAX_DEPTH ? max_depth : NW_HTML_MAX_DEPTH;
    for (size_t i = 0; i < n;) {
        if (h[i] != '<' || i + 1 >= n) {
            i++;
        } else if (n - i >= 4 && memcmp(h + i, "<!--", 4) == 0) {
            i = skip_until(h, n, i + 4, "-->");
        } else if (h[i + 1] == '!' || h[i + 1] == '?') {
            i = tag_end(h, n, i + 2, &attrs);
        } else if (h[i + 1] == '/') {
            read_name(h + i + 2, n - i - 2, &t);
            /* a stray </p> or </br> makes an element (the parser inserts an empty <p>, or
             * reads a <br>): a page of 4 MB of "</p>" was a million of them */
            if ((strcmp(t.s, "p") == 0 || strcmp(t.s, "br") == 0) &&
                ++elements > NW_HTML_MAX_ELEMENTS) {
                return too_many_elements(err, i);
            }
            unsigned d = t.len ? open_depth(&st, &t) : 0;
            if (d) {
                pop_to(&st, d - 1);
            }
            i = tag_end(h, n, i + 2, &attrs);
        } else if (is_alpha(h[i + 1])) {
            size_t at = i;
            i += 1 + read_name(h + i + 1, n - i - 1, &t);
            i = tag_end(h, n, i, &attrs);
            if (attrs > NW_HTML_MAX_ATTRS) {
                return nw_err_set(err, NW_E_INPUT, "too_complex",
                                  "an element with over %d attributes at byte %zu",
                                  NW_HTML_MAX_ATTRS, at);
            }
            if (++elements > NW_HTML_MAX_ELEMENTS) {
                return too_many_elements(err, at);
            }
            if (!st.foreign && in_list(&t, raw_text)) {
                i = raw_end(h, n, i, &t);
                continue;
            }
            int self_closing = i >= 2 && h[i - 1] == '>' && h[i - 2] == '/';
            if (!start_tag(&st, &t, self_closing)) {
                continue;
            }
            if (st.depth >= max_depth) {
                return nw_err_set(err, NW_E_INPUT, "too_complex",
                                  "HTML elements nested deeper than %u levels at byte %zu",
                                  max_depth, at);
            }
            push(&st, &t);
        } else {
            i++;
        }
    }
    return NW_OK;
}
