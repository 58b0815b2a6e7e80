/* html_extract.h - paragraphs and title out of an HTML page, parsed with gumbo (HTML5).
 * Containers that are never article text (script, nav, footer, share/related/comment blocks
 * by tag, class or id) are pruned before paragraphs are built. Pure. */
#ifndef NW_HTML_EXTRACT_H
#define NW_HTML_EXTRACT_H

#include <stddef.h>

#include "../core/buf.h"
#include "paragraphs.h"

typedef struct nw_html_result {
    nw_buf title;         /* og:title, else <title>, else the first h1; may be empty */
    nw_buf ld_body;       /* the longest JSON-LD articleBody of the page; may be empty */
    size_t pruned_chars;  /* text bytes inside pruned containers */
    size_t pruned_blocks; /* how many containers were pruned */
    size_t parser_bytes;  /* memory the HTML parser took for the page */
    nw_buf *pruned_trace; /* NULL, or gets a line per pruned container: "tag.class#id<TAB>text"
                             (development tools; nw_html_result_init sets NULL) */
} nw_html_result;

void nw_html_result_init(nw_html_result *r);
void nw_html_result_release(nw_html_result *r);

/* The parser may take at most this much memory for a page of n bytes (real pages take up to
 * 12 x their size; the hostile cases that must pass, up to 41 x or 74 MB): */
#define NW_HTML_PARSER_BASE (32u << 20)
#define NW_HTML_PARSER_PER_BYTE 48u
size_t nw_html_parser_budget(size_t n);

/* Appends the page's paragraphs to 'ps'. 'html' need not be NUL-terminated. NW_E_INPUT when
 * parsing needed more than nw_html_parser_budget(n) bytes (the page is refused, nothing kept). */
int nw_html_extract(const char *html, size_t n, nw_paras *ps, nw_html_result *r);

/* A cheap sniff for content_type-less input: markup near the start. */
int nw_html_sniff(const char *s, size_t n);

#endif
