/* repeated.h - a site's own repeated lines: the footer, header or appeal paragraph a source
 * puts on every article ("Follow us on social media for more stories like this.") that no
 * general rule of boilerplate.h knows. Left in, such a line links a site's short articles to
 * each other by shared text. Which paragraphs of a cleaned text are looked up (those at its
 * edges, of at least NW_REPEATED_MIN_WORDS words), the key each is counted under (the source
 * and the paragraph, case and spacing folded), and the text without the ones the window has
 * seen too often. Pure: the counting over the window is io/term_store's. */
#ifndef NW_REPEATED_H
#define NW_REPEATED_H

#include <stddef.h>

#include "../core/buf.h"

/* Paragraphs looked up: the first two and the last three (site lines sit at the edges; an
 * article's middle is its own). */
#define NW_REPEATED_HEAD 2
#define NW_REPEATED_TAIL 3
#define NW_REPEATED_MAX (NW_REPEATED_HEAD + NW_REPEATED_TAIL)
/* Shorter paragraphs make no 3-word shingle of their own worth a counter ("Reuter"). */
#define NW_REPEATED_MIN_WORDS 4
#define NW_REPEATED_KEY_LEN 32 /* hex digits: 64 bits of source, 64 of paragraph */

typedef struct nw_repeated_para {
    size_t off, len; /* the paragraph in the text */
    char key[NW_REPEATED_KEY_LEN + 1];
} nw_repeated_para;

/* The edge paragraphs of text (paragraphs separated by a blank line, as clean writes them)
 * worth counting for site (non-empty), into paras (NW_REPEATED_MAX long); returns how many,
 * in text order. */
size_t nw_repeated_pick(const char *site, size_t site_len, const char *text, size_t len,
                        nw_repeated_para *paras);

/* The site of a document: its source, else the host of its url (without "www."); empty when
 * it has neither. Writes at most n-1 bytes and a NUL into out; returns the length. */
size_t nw_repeated_site(const char *source, const char *url, char *out, size_t n);

/* The rule: a line is its site's own, and dropped, when besides this article at least
 * 'after' (>= 1) articles of the site in the window have it; with_it counts them all, this
 * one included. */
int nw_repeated_is_sites_own(long long with_it, long long after);

/* The lines of a document to drop, as a bit mask over its picked paragraphs (bit k: paras[k]),
 * from how many articles of the window have each (with_it, n of them). */
unsigned nw_repeated_drops(const long long *with_it, size_t n, long long after);

/* A replayed article must lose the same lines as the first time (else its copy downstream
 * differs from what was decided): its mask is kept as the mark of its counted claim. The mark
 * of a mask ("d<mask>", into buf of n bytes), and the mask of a mark ("1", a document counted
 * with nothing to drop, and anything unknown: 0). */
void nw_repeated_mark(unsigned mask, char *buf, size_t n);
unsigned nw_repeated_mask_of(const char *mark);

/* Appends text without the paragraphs paras[k] whose bit k is set in drop to out; returns the
 * characters (bytes) of text dropped. Out of memory is reported as (size_t)-1. */
size_t nw_repeated_strip(const char *text, size_t len, const nw_repeated_para *paras, size_t n,
                         unsigned drop, nw_buf *out);

#endif
