/* enrich_step.c - per batch: parse datelines and count terms; update every story and every
 * document's term frequencies in Redis, and keep each article's card (a pipelined round trip
 * each); then per article find entities, pick keywords and write two records: the enriched
 * article and the story summary. */
#include "enrich_step.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "core/article_card.h"
#include "core/nw_error.h"
#include "enrich/dateline.h"
#include "io/article_store.h"
#include "io/gazetteer_load.h"
#include "io/metrics.h"
#include "io/stoplists.h"
#include "io/story_json.h"
#include "io/story_store.h"
#include "io/term_store.h"

#define F(x) offsetof(enrich_config, x)
const nw_cfg_key enrich_keys[] = {
    {"topic.stories", NW_CFG_STR, "news.stories", F(topic_stories),
     "compacted topic of story summaries, keyed by story id", 0, 0, 0},
    {"enrich.window_seconds", NW_CFG_INT, "604800", F(window_seconds),
     "how long story aggregates and term frequencies live", 0, 1, 31622400},
    {"enrich.gazetteer", NW_CFG_STR, "config/gazetteer", F(gazetteer),
     "folder of places.txt and organizations.txt for entity extraction", 0, 0, 0},
    {"enrich.stoplists", NW_CFG_STR, "config/stoplists", F(stoplists),
     "folder of jusText stopword lists (keywords skip stopwords)", 0, 0, 0},
    {"enrich.keywords", NW_CFG_INT, "10", F(keywords), "keywords per article (0-50)", 0, 0, 50},
    {"enrich.words_per_minute", NW_CFG_INT, "230", F(words_per_minute),
     "reading speed for reading_minutes", 0, 50, 2000},
    {"enrich.texts", NW_CFG_BOOL, "true", F(texts),
     "keep each article's card (title, source, cleaned text) in Redis for the window: what "
     "nearwire-api shows and explains matches with",
     0, 0, 0},
    {"enrich.text_max_bytes", NW_CFG_INT, "65536", F(text_max_bytes),
     "a card keeps at most this many bytes of the text (the rest is not explained)", 0, 256,
     4194304},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};
#undef F

#define TERMS_PER_DOC 1000

/* one valid article of the batch */
typedef struct article {
    size_t item;
    const char *text; /* the document's "text", looked up and measured once */
    size_t text_len;
    nw_dateline dateline;
    const char *merged[NW_STORY_MAX_MERGED];
    size_t term_off, nterms; /* its terms in the batch's term arrays */
    const char *revised_by;  /* a revision record: a decision changed, no text */
    size_t tdoc;             /* its entry in the term store's batch */
} article;

typedef struct enrich_ctx {
    const enrich_config *cfg;
    nw_redis *redis; /* the stage's Redis layer, shared by its stores */
    nw_story_store *stories;
    nw_article_store *cards; /* NULL without enrich.texts */
    yajl_gen card_gen;
    nw_buf card_data; /* the batch's cards back to back */
    const char **card_ids, **card_ptr;
    size_t *card_len;
    nw_term_store *terms;
    nw_gazetteer *gaz;
    nw_entity_extractor *entities;
    nw_entities found;
    nw_lang *stop;
    nw_term_counter *counter;
    size_t cap;
    article *arts;
    nw_story_update *updates;
    nw_story_view *views;
    nw_term_doc *tdocs;
    /* every article's terms, back to back: texts in term_text, offsets kept until the batch
     * is counted (term_text may move while it grows) */
    nw_buf term_text;
    nw_term *batch_terms;
    long long *df;
    size_t nbatch_terms, terms_cap;
    nw_keyword kw[NW_KEYWORDS_MAX];
} enrich_ctx;

static int fail_init(enrich_ctx *c, nw_err *err, const char *why)
{
    enrich_fini(c);
    return nw_err_set(err, NW_E_FATAL, "config", "%s", why);
}

int enrich_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err)
{
    const enrich_config *ec = cfg;
    if (ec->keywords < 0 || ec->keywords > NW_KEYWORDS_MAX) {
        return nw_err_set(err, NW_E_FATAL, "config", "enrich.keywords must be 0..%d",
                          NW_KEYWORDS_MAX);
    }
    enrich_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    c->cfg = ec;
    nw_buf_init(&c->term_text);
    nw_buf_init(&c->card_data);
    char why[512];
    if (!(c->gaz = nw_gazetteer_load(ec->gazetteer, why, sizeof why)) ||
        !(c->stop = nw_stoplists_load(ec->stoplists, why, sizeof why))) {
        return fail_init(c, err, why);
    }
    c->entities = nw_entity_extractor_new(c->gaz);
    c->counter = nw_term_counter_new();
    if (!c->entities || !c->counter) {
        return fail_init(c, err, "out of memory");
    }
    c->redis = nw_stage_redis(common, err);
    c->stories = c->redis
                     ? nw_story_store_new(c->redis, common->redis_prefix, ec->window_seconds, err)
                     : NULL;
    c->terms = c->stories
                   ? nw_term_store_new(c->redis, common->redis_prefix, ec->window_seconds, err)
                   : NULL;
    if (c->terms && ec->texts) {
        c->cards = nw_article_store_new(c->redis, common->redis_prefix, ec->window_seconds, err);
        c->card_gen = c->cards ? nw_json_gen_new() : NULL;
    }
    if (!c->terms || (ec->texts && !c->card_gen)) {
        enrich_fini(c);
        return NW_E_FATAL;
    }
    *ctx = c;
    return NW_OK;
}

void enrich_fini(void *ctx)
{
    enrich_ctx *c = ctx;
    if (c) {
        nw_story_store_free(c->stories);
        nw_article_store_free(c->cards);
        if (c->card_gen) {
            yajl_gen_free(c->card_gen);
        }
        nw_buf_release(&c->card_data);
        free(c->card_ids);
        free(c->card_ptr);
        free(c->card_len);
        nw_term_store_free(c->terms);
        nw_redis_free(c->redis);
        nw_gazetteer_free(c->gaz);
        nw_entity_extractor_free(c->entities);
        nw_lang_free(c->stop);
        nw_term_counter_free(c->counter);
        free(c->arts);
        free(c->updates);
        free(c->views);
        free(c->tdocs);
        nw_buf_release(&c->term_text);
        free(c->batch_terms);
        free(c->df);
        free(c);
    }
}

int enrich_ready(void *ctx)
{
    return nw_redis_ping(((enrich_ctx *)ctx)->redis);
}

static int read_cluster(const nw_doc *doc, article *a, nw_story_update *u, nw_err *err)
{
    yajl_val c = nw_doc_get(doc, "cluster");
    if (!c || !YAJL_IS_OBJECT(c)) {
        return nw_err_set(err, NW_E_INPUT, "missing_field",
                          "cluster.story_id and cluster.first_seen are required");
    }
    const char *sp[] = {"story_id", NULL}, *fp[] = {"first_seen", NULL},
               *op[] = {"ordered_at", NULL}, *mp[] = {"merged_from", NULL},
               *cp[] = {"conflict", NULL};
    yajl_val s = yajl_tree_get(c, sp, yajl_t_string);
    /* a story's first article is its earliest in the publication order, as its id says */
    yajl_val f = yajl_tree_get(c, op, yajl_t_string);
    if (!f) {
        f = yajl_tree_get(c, fp, yajl_t_string);
    }
    yajl_val m = yajl_tree_get(c, mp, yajl_t_array);
    /* a revision, or an id that came again with other content: the article counts in its
     * story, which keeps the source and headline its first record gave it */
    u->revision = a->revised_by || yajl_tree_get(c, cp, yajl_t_true);
    if (!s || !f) {
        return nw_err_set(err, NW_E_INPUT, "missing_field",
                          "cluster.story_id and cluster.first_seen are required");
    }
    u->story_id = s->u.string;
    u->first_seen = f->u.string;
    size_t k = 0;
    for (size_t i = 0; m && i < m->u.array.len && k < NW_STORY_MAX_MERGED; i++) {
        if (YAJL_IS_STRING(m->u.array.values[i])) {
            a->merged[k++] = m->u.array.values[i]->u.string;
        }
    }
    u->merged = a->merged;
    u->nmerged = k;
    return NW_OK;
}

static int ensure(enrich_ctx *c, size_t n)
{
    if (n <= c->cap) {
        return NW_OK;
    }
    free(c->arts);
    free(c->updates);
    free(c->views);
    free(c->tdocs);
    free(c->card_ids);
    free(c->card_ptr);
    free(c->card_len);
    c->card_ids = calloc(n, sizeof *c->card_ids);
    c->card_ptr = calloc(n, sizeof *c->card_ptr);
    c->card_len = calloc(n, sizeof *c->card_len);
    c->arts = calloc(n, sizeof *c->arts);
    c->updates = calloc(n, sizeof *c->updates);
    c->views = calloc(n, sizeof *c->views);
    c->tdocs = calloc(n, sizeof *c->tdocs);
    c->cap = n;
    if (!c->arts || !c->updates || !c->views || !c->tdocs || !c->card_ids || !c->card_ptr ||
        !c->card_len) {
        c->cap = 0;
        return NW_E_NOMEM;
    }
    return NW_OK;
}

typedef struct stop_words {
    const nw_lang *lists;
    const char *lang; /* NULL: a stopword of any language */
} stop_words;

static int is_stop(void *arg, const char *w, size_t n)
{
    const stop_words *s = arg;
    return nw_lang_is_stopword(s->lists, s->lang, w, n);
}

/* Counts the article's terms into the batch arrays (texts as offsets until the batch ends). */
static int count_terms(enrich_ctx *c, article *a, const nw_doc *doc)
{
    const char *lang = nw_doc_str(doc, "lang");
    stop_words stop = {c->stop, lang && strcmp(lang, "und") != 0 ? lang : NULL};
    const nw_term *t;
    size_t nt;
    if (nw_terms_count(c->counter, a->text, a->text_len, is_stop, &stop, TERMS_PER_DOC, &t, &nt) !=
        NW_OK) {
        return NW_E_NOMEM;
    }
    size_t want = c->nbatch_terms + nt, df_cap = c->terms_cap;
    if (nw_array_reserve((void **)&c->df, &df_cap, want, sizeof *c->df) != NW_OK ||
        nw_array_reserve((void **)&c->batch_terms, &c->terms_cap, want, sizeof *c->batch_terms) !=
            NW_OK) {
        return NW_E_NOMEM;
    }
    a->term_off = c->nbatch_terms;
    a->nterms = nt;
    for (size_t i = 0; i < nt; i++) {
        nw_term *bt = &c->batch_terms[c->nbatch_terms++];
        *bt = t[i];
        bt->text = (const char *)(uintptr_t)c->term_text.len;
        if (nw_buf_append(&c->term_text, t[i].text, t[i].len + 1)) {
            return NW_E_NOMEM;
        }
    }
    return NW_OK;
}

/* The enriched article and its story's summary. A revision record (a decision changed by a
 * later arrival) passes on with only the story's new summary: its text was enriched the
 * first time. */
static int write_records(enrich_ctx *c, const nw_doc *doc, const article *a, const nw_story_view *v,
                         const char *story, nw_outbox *out)
{
    size_t nkw = 0;
    if (!a->revised_by) {
        const nw_term_doc *td = &c->tdocs[a->tdoc];
        nkw = nw_keywords_top(td->terms, td->df, td->nterms, td->ndocs, c->kw,
                              (size_t)c->cfg->keywords);
        if (nw_entities_extract(c->entities, a->text, a->text_len, &c->found) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    yajl_gen g = out->gen;
    nw_doc_out d;
    nw_outbox_doc_begin(out, doc, "enrich", &d);
    yajl_gen_map_open(g);
    if (!a->revised_by) {
        nw_json_str(g, "agency", a->dateline.agency);
        nw_json_str(g, "dateline", a->dateline.place[0] ? a->dateline.place : NULL);
        nw_write_article_facts(g, doc, a->text, a->text_len, c->cfg->words_per_minute);
        nw_write_entities(g, &c->found);
        nw_write_keywords(g, c->kw, nkw);
    }
    nw_json_key(g, "story");
    nw_story_json_write(g, v, story, 0);
    yajl_gen_map_close(g);
    int rc = nw_outbox_doc_end(out, NULL, &d);
    if (rc != NW_OK) {
        return rc;
    }
    nw_story_json_write(g, v, story, 1);
    return nw_outbox_add_gen(out, c->cfg->topic_stories, story);
}

/* Reads one article of the batch (or a revision record) into arts[k] and updates[k]. */
static int read_article(enrich_ctx *c, nw_batch_item *it, article *a, nw_story_update *u)
{
    const nw_doc *doc = &it->doc;
    memset(u, 0, sizeof *u);
    memset(a, 0, sizeof *a);
    a->revised_by = nw_doc_str(doc, "revised_by");
    if (!a->revised_by) {
        it->rc = nw_doc_require_str(doc, "text", &a->text, &it->err);
    }
    if (it->rc == NW_OK) {
        it->rc = read_cluster(doc, a, u, &it->err);
    }
    if (it->rc != NW_OK) {
        return it->rc;
    }
    u->doc_id = doc->id;
    if (a->revised_by) {
        return NW_OK;
    }
    a->text_len = strlen(a->text);
    nw_dateline_parse(a->text, a->text_len, &a->dateline);
    u->source = nw_doc_str(doc, "source");
    u->headline = nw_doc_str(doc, "title");
    u->agency = a->dateline.agency;
    return count_terms(c, a, doc) == NW_OK ? NW_OK : NW_E_NOMEM;
}

/* The cards of the batch's articles (not of revision records: their text came before). */
static int save_cards(enrich_ctx *c, nw_batch_item *items, size_t k, nw_err *err)
{
    size_t ncards = 0;
    c->card_data.len = 0;
    for (size_t j = 0; j < k; j++) {
        const article *a = &c->arts[j];
        if (a->revised_by) {
            continue;
        }
        size_t at = c->card_data.len;
        nw_card_write(c->card_gen, &items[a->item].doc, a->text, a->text_len,
                      (size_t)c->cfg->text_max_bytes);
        if (nw_json_take(c->card_gen, &c->card_data) != NW_OK) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        c->card_ids[ncards] = c->updates[j].doc_id;
        c->card_ptr[ncards] = (const char *)(uintptr_t)at; /* placed once the buffer is done */
        c->card_len[ncards++] = c->card_data.len - at;
    }
    for (size_t i = 0; i < ncards; i++) {
        c->card_ptr[i] = c->card_data.data + (uintptr_t)c->card_ptr[i];
    }
    return nw_article_store_put(c->cards, c->card_ids, c->card_ptr, c->card_len, ncards, err);
}

int enrich_step_batch(void *ctx, nw_batch_item *items, size_t n, nw_err *err)
{
    enrich_ctx *c = ctx;
    if (ensure(c, n) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    c->term_text.len = 0;
    c->nbatch_terms = 0;
    size_t k = 0, ntd = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = read_article(c, &items[i], &c->arts[k], &c->updates[k]);
        if (rc == NW_E_NOMEM) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        if (rc == NW_OK) {
            c->arts[k++].item = i;
        }
    }
    for (size_t j = 0; j < k; j++) { /* the term texts have stopped moving */
        article *a = &c->arts[j];
        if (a->revised_by) {
            continue;
        }
        for (size_t t = 0; t < a->nterms; t++) {
            nw_term *bt = &c->batch_terms[a->term_off + t];
            bt->text = c->term_text.data + (uintptr_t)bt->text;
        }
        a->tdoc = ntd;
        c->tdocs[ntd++] = (nw_term_doc){.doc_id = c->updates[j].doc_id,
                                        .terms = c->batch_terms + a->term_off,
                                        .nterms = a->nterms,
                                        .df = c->df + a->term_off};
    }
    int64_t now_ms = nw_wall_ms();
    for (size_t j = 0; j < k; j++) {
        c->updates[j].active_ms = now_ms;
    }
    int rc = k ? nw_story_store_update(c->stories, c->updates, c->views, k, err) : NW_OK;
    if (rc == NW_OK && ntd) {
        rc = nw_term_store_update(c->terms, c->tdocs, ntd, now_ms / 1000, err);
    }
    if (rc == NW_OK && c->cards) {
        rc = save_cards(c, items, k, err);
    }
    for (size_t j = 0; j < k && rc == NW_OK; j++) {
        nw_batch_item *it = &items[c->arts[j].item];
        const char *story = c->updates[j].story_id;
        rc = write_records(c, &it->doc, &c->arts[j], &c->views[j], story, it->out);
    }
    return rc;
}
