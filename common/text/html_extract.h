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
} nw_html_result;

void nw_html_result_init(nw_html_result *r);
void nw_html_result_release(nw_html_result *r);

/* Appends the page's paragraphs to 'ps'. 'html' need not be NUL-terminated. */
int nw_html_extract(const char *html, size_t n, nw_paras *ps, nw_html_result *r);

/* A cheap sniff for content_type-less input: markup near the start. */
int nw_html_sniff(const char *s, size_t n);

#endif
