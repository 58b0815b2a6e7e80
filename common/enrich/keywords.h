/* keywords.h - the terms of a text and its keywords by TF-IDF. A term is a lower-cased word
 * (letters, inner hyphens or apostrophes; a possessive 's dropped) of 3+ bytes that is not a
 * stopword. Document frequencies come from outside (io/term_store.h keeps them in Redis over
 * the rolling window). Pure; the counter keeps its table and text between documents. */
#ifndef NW_KEYWORDS_H
#define NW_KEYWORDS_H

#include <stddef.h>
#include <stdint.h>

typedef struct nw_term {
    const char *text; /* lower case, NUL-terminated; valid until the next count */
    uint32_t len;
    uint32_t tf;
} nw_term;

typedef struct nw_term_counter nw_term_counter;

nw_term_counter *nw_term_counter_new(void);
void nw_term_counter_free(nw_term_counter *c);

/* is_stop(arg, word, len) says whether a lower-case word is a stopword (NULL: none are).
 * Counts the distinct terms of text; keeps the 'max' most frequent (ties: first seen), in
 * that order, in *terms. NW_OK or NW_E_NOMEM. */
int nw_terms_count(nw_term_counter *c, const char *text, size_t n,
                   int (*is_stop)(void *arg, const char *word, size_t len), void *arg, size_t max,
                   const nw_term **terms, size_t *nterms);

typedef struct nw_keyword {
    const nw_term *term;
    double score;
} nw_keyword;

/* The k best terms by score = (1 + ln tf) * (ln((1 + ndocs) / (1 + df)) + 1), best first
 * (ties: the earlier term). df[i] belongs to terms[i]; ndocs counts the window's documents.
 * Returns how many were written. */
size_t nw_keywords_top(const nw_term *terms, const long long *df, size_t n, long long ndocs,
                       nw_keyword *out, size_t k);

#endif
