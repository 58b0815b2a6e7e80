/* article.c - the per-article fields of the enrich object. */
#include "article.h"

#include "core/timefmt.h"
#include "enrich/dateline.h"

void nw_write_article_facts(yajl_gen g, const nw_doc *doc, const char *text, size_t len,
                            long long wpm)
{
    size_t words = nw_word_count(text, len);
    const char *lang = nw_doc_str(doc, "lang");
    const char *published = nw_doc_str(doc, "published_at");
    int64_t ms;
    char utc[32];
    nw_json_str(g, "lang", lang && *lang ? lang : NULL);
    if (published && nw_time_parse(published, &ms) == 0) {
        nw_time_format_ms(ms, utc, sizeof utc);
        nw_json_str(g, "published_at", utc);
    } else {
        nw_json_str(g, "published_at", NULL);
    }
    nw_json_int(g, "word_count", (long long)words);
    nw_json_int(g, "reading_minutes",
                wpm > 0 ? (long long)((words + (size_t)wpm - 1) / (size_t)wpm) : 0);
}

static void write_kind(yajl_gen g, const char *key, const nw_entities *e, nw_entity_kind kind)
{
    nw_json_key(g, key);
    yajl_gen_array_open(g);
    for (size_t i = 0; i < e->n; i++) {
        const nw_entity *x = &e->e[i];
        if (x->kind != kind) {
            continue;
        }
        yajl_gen_map_open(g);
        nw_json_str(g, "name", x->name);
        nw_json_int(g, "count", x->count);
        nw_json_key(g, "aliases");
        yajl_gen_array_open(g);
        for (size_t k = 0; k < x->naliases; k++) {
            nw_json_str(g, NULL, x->aliases[k]);
        }
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

void nw_write_entities(yajl_gen g, const nw_entities *e)
{
    nw_json_key(g, "entities");
    yajl_gen_map_open(g);
    write_kind(g, "people", e, NW_ENT_PERSON);
    write_kind(g, "places", e, NW_ENT_PLACE);
    write_kind(g, "organizations", e, NW_ENT_ORG);
    yajl_gen_map_close(g);
}

void nw_write_keywords(yajl_gen g, const nw_keyword *kw, size_t n)
{
    nw_json_key(g, "keywords");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        nw_json_strn(g, "term", kw[i].term->text, kw[i].term->len);
        nw_json_dbl(g, "score", kw[i].score);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}
