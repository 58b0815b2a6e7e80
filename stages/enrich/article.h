/* article.h - what enrich says of one article by itself: entities, keywords, reading time,
 * language and publication time in UTC, written as fields of the "enrich" object. */
#ifndef NW_ENRICH_ARTICLE_H
#define NW_ENRICH_ARTICLE_H

#include <yajl/yajl_gen.h>

#include "core/doc.h"
#include "enrich/entities.h"
#include "enrich/keywords.h"

#define NW_KEYWORDS_MAX 50

/* Writes "lang", "published_at", "word_count", "reading_minutes" (words / wpm, rounded up). */
void nw_write_article_facts(yajl_gen g, const nw_doc *doc, const char *text, size_t len,
                            long long wpm);

/* Writes "entities": {"people": [...], "places": [...], "organizations": [...]}, each entry
 * {"name", "count", "aliases"}. */
void nw_write_entities(yajl_gen g, const nw_entities *e);

/* Writes "keywords": [{"term", "score"}], best first. */
void nw_write_keywords(yajl_gen g, const nw_keyword *kw, size_t n);

#endif
