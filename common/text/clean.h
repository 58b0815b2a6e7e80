/* clean.h - article text out of a raw body (HTML page or scraped plain text): paragraphs,
 * title, byline, and a report of every paragraph dropped and why. Pure.
 * An nw_cleaner is reusable: its buffers grow to the largest document and stay, so a stream
 * of documents costs no allocation in steady state. Results are valid until the next run. */
#ifndef NW_CLEAN_H
#define NW_CLEAN_H

#include <stddef.h>

#include "../core/buf.h"
#include "boilerplate.h"

typedef struct nw_clean_drop {
    size_t chars;
    size_t paragraphs;
} nw_clean_drop;

typedef struct nw_clean_result {
    nw_buf text;   /* kept paragraphs joined by a blank line */
    nw_buf title;  /* cleaned title, may be empty */
    nw_buf byline; /* the first byline / credit line found, may be empty */
    size_t chars_in, chars_out;
    size_t paragraphs_kept, paragraphs_dropped;
    nw_clean_drop drops[NW_BP_COUNT]; /* indexed by nw_bp_reason */
    int is_html;
} nw_clean_result;

typedef enum nw_content_type { NW_CT_SNIFF = 0, NW_CT_TEXT, NW_CT_HTML } nw_content_type;

typedef struct nw_cleaner nw_cleaner;

/* Returns NULL on out-of-memory. Caller frees with nw_cleaner_free(). */
nw_cleaner *nw_cleaner_new(void);
void nw_cleaner_free(nw_cleaner *c);

/* 'body' is borrowed and need not be NUL-terminated; 'title_in' may be NULL. The result is
 * owned by the cleaner. Returns NW_OK, NW_E_NOMEM, or NW_E_INPUT for a page the HTML parser
 * could not parse within its memory budget (nw_html_parser_budget). */
int nw_cleaner_run(nw_cleaner *c, const char *body, size_t n, nw_content_type ct,
                   const char *title_in, const nw_clean_result **out);

/* After a run: how many paragraphs the page was cut into, and paragraph i's text (borrowed,
 * valid until the next run) with the reason it was dropped (NW_BP_NONE when kept). For tools
 * that show why text went; the kept text is res.text. */
size_t nw_cleaner_paragraphs(const nw_cleaner *c);
nw_bp_reason nw_cleaner_paragraph(const nw_cleaner *c, size_t i, const char **text, size_t *len);

#endif
