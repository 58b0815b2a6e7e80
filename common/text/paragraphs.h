/* paragraphs.h - a document as a list of whitespace-normalised paragraphs.
 * All paragraph text lives in one buffer (NUL-separated) so building a list costs a few
 * reallocations per document, never one per paragraph or token. The list owns its memory. */
#ifndef NW_PARAGRAPHS_H
#define NW_PARAGRAPHS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"

/* How many enclosing boxes a paragraph records: scoring uses the nearest three, membership
 * all five (a code block sits two boxes deeper than the paragraphs beside it). */
#define NW_PARA_BOXES 5

typedef struct nw_para {
    size_t off;        /* into nw_paras.text */
    size_t len;        /* bytes, excluding the NUL */
    size_t link_chars; /* bytes of the paragraph that sat inside <a> (HTML only) */
    int heading;       /* came from h1..h6 */
    int bullet;        /* a list item */
    int in_body;       /* inside an element marked itemprop="articleBody" (HTML microdata) */
    uintptr_t box[NW_PARA_BOXES]; /* the nearest containing boxes (HTML elements), nearest
                                     first; 0 = none */
} nw_para;

typedef struct nw_paras {
    nw_buf text;
    nw_para *v;
    size_t n, cap;
    /* the paragraph being built */
    int open;
    int pending_space;
} nw_paras;

void nw_paras_init(nw_paras *ps);
void nw_paras_release(nw_paras *ps);
void nw_paras_reset(nw_paras *ps);

/* Incremental building: text is appended to the open paragraph with runs of white space folded
 * to one space; nw_paras_break() closes it (empty paragraphs are discarded). */
int nw_paras_add_text(nw_paras *ps, const char *s, size_t n, int in_link);
int nw_paras_break(nw_paras *ps);
nw_para *nw_paras_current(nw_paras *ps); /* NULL when none is open */

static inline const char *nw_para_str(const nw_paras *ps, size_t i)
{
    return ps->text.data + ps->v[i].off;
}

/* Appends s with white space folded and trimmed, as a paragraph's text is (titles). */
int nw_fold_space(const char *s, size_t n, nw_buf *out);

/* Splits scraped plain text: blank lines, indented lines and bullets start paragraphs; a line
 * that does not end a sentence is joined to the next (hard-wrapped wire copy). */
int nw_paras_from_text(nw_paras *ps, const char *s, size_t n);

#endif
