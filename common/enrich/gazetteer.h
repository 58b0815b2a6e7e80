/* gazetteer.h - known names for entity extraction: places and organisations, each line of a
 * list "Canonical name|alias|alias..." (e.g. "United States|U.S.|US|America"). Lookups are
 * case-insensitive on the exact name (single spaces between words); the caller decides when
 * a text span is a candidate. Pure: the lists are read by io/gazetteer_load.c. */
#ifndef NW_GAZETTEER_H
#define NW_GAZETTEER_H

#include <stddef.h>

typedef enum nw_entity_kind { NW_ENT_PERSON, NW_ENT_PLACE, NW_ENT_ORG } nw_entity_kind;

#define NW_GAZ_MAX_WORDS 6 /* longest name, in words */

typedef struct nw_gazetteer nw_gazetteer;

typedef struct nw_gaz_hit {
    nw_entity_kind kind;
    const char *canonical; /* owned by the gazetteer */
} nw_gaz_hit;

nw_gazetteer *nw_gazetteer_new(void); /* NULL on out-of-memory; free with nw_gazetteer_free */
void nw_gazetteer_free(nw_gazetteer *g);

/* Adds one list line; blank lines and lines starting with '#' are ignored. NW_E_INPUT for a
 * name longer than NW_GAZ_MAX_WORDS words or 127 bytes. */
int nw_gazetteer_add_line(nw_gazetteer *g, nw_entity_kind kind, const char *line, size_t n);
size_t nw_gazetteer_size(const nw_gazetteer *g);

/* 1 when some name starts with this word (case-insensitive): a cheap test before lookups. */
int nw_gazetteer_starts_name(const nw_gazetteer *g, const char *word, size_t n);

/* Looks up name[0..n); 1 and *hit when known. */
int nw_gazetteer_find(const nw_gazetteer *g, const char *name, size_t n, nw_gaz_hit *hit);

#endif
