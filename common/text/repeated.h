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

/* Appends text without the paragraphs whose drop[i] is set to out; returns the characters
 * (bytes) of text dropped. NW_E_NOMEM is reported as (size_t)-1. */
size_t nw_repeated_strip(const char *text, size_t len, const nw_repeated_para *paras,
                         const unsigned char *drop, size_t n, nw_buf *out);

#endif
