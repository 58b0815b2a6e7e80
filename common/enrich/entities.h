/* entities.h - people, places and organisations named in an English news text, without a
 * model: capitalised word runs, classified by rules.
 *   organisation  the run ends in an organisation word ("Oil Ministry", "Dawa Party",
 *                 "Bank of Japan") or the gazetteer lists it ("OPEC", "Reuters")
 *   place         the gazetteer lists it ("Tehran", "TEHRAN", "U.S.", "Iraq's")
 *   person        after a title or role ("Prime Minister Nouri al-Maliki", "spokesman Ali
 *                 al-Dabbagh", "Mr. Maliki"), before a speech verb ("Khamenei said"), or
 *                 followed by an appositive role ("Ali Larijani, Iran's top nuclear negotiator")
 * Aliases merge: a person's later surname-only mentions ("al-Maliki", "Maliki") count for the
 * full name; an organisation's shorter forms ("Oil Ministry" of "Iraqi Oil Ministry") and its
 * acronym given in parentheses count for it; gazetteer aliases ("U.S.") for their canonical
 * name. Pure; no allocation per token (the extractor keeps its buffers between texts). */
#ifndef NW_ENTITIES_H
#define NW_ENTITIES_H

#include <stddef.h>

#include "gazetteer.h"

#define NW_ENT_MAX 64
#define NW_ENT_NAME 96
#define NW_ENT_ALIASES 4

typedef struct nw_entity {
    nw_entity_kind kind;
    char name[NW_ENT_NAME];
    char aliases[NW_ENT_ALIASES][NW_ENT_NAME]; /* other forms seen, first few */
    size_t naliases;
    unsigned count;
    char key[NW_ENT_NAME]; /* what mentions merge on */
} nw_entity;

typedef struct nw_entities {
    nw_entity e[NW_ENT_MAX]; /* by kind, then count descending, then name */
    size_t n;
} nw_entities;

typedef struct nw_entity_extractor nw_entity_extractor;

/* g is borrowed and may be NULL (no places, no listed organisations). NULL on out-of-memory. */
nw_entity_extractor *nw_entity_extractor_new(const nw_gazetteer *g);
void nw_entity_extractor_free(nw_entity_extractor *x);

/* Fills out; NW_OK or NW_E_NOMEM. At most NW_ENT_MAX entities (the most mentioned kept). */
int nw_entities_extract(nw_entity_extractor *x, const char *text, size_t n, nw_entities *out);

const char *nw_entity_kind_name(nw_entity_kind k); /* "person", "place", "organization" */

#endif
