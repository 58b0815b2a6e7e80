/* enrich_step.c - dateline, agency and word count from the text; the story aggregate from
 * Redis; two records out: the enriched article and the story summary. */
#include "enrich_step.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/nw_error.h"
#include "enrich/dateline.h"
#include "io/story_store.h"

#define F(x) offsetof(enrich_config, x)
const nw_cfg_key enrich_keys[] = {
    {"topic.stories", NW_CFG_STR, "news.stories", F(topic_stories),
     "compacted topic of story summaries, keyed by story id", 0},
    {"enrich.window_seconds", NW_CFG_INT, "604800", F(window_seconds),
     "how long story aggregates live after their last update", 0},
    {NULL, 0, NULL, 0, NULL, 0}};
#undef F

typedef struct enrich_ctx {
    const enrich_config *cfg;
    nw_story_store *stories;
    size_t cap;
    nw_story_update *updates;
    nw_story_view *views;
    nw_dateline *datelines;
    size_t *item_of;
} enrich_ctx;

int enrich_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err)
{
    const enrich_config *ec = cfg;
    enrich_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    c->cfg = ec;
    c->stories = nw_story_store_new(common->redis_url, common->redis_prefix, ec->window_seconds,
                                    (int)common->redis_timeout_ms, err);
    if (!c->stories) {
        free(c);
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
        free(c->updates);
        free(c->views);
        free(c->datelines);
        free(c->item_of);
        free(c);
    }
}

int enrich_ready(void *ctx)
{
    return nw_story_store_ready(((enrich_ctx *)ctx)->stories);
}

static int read_cluster(const nw_doc *doc, const char **story, const char **first_seen,
                        nw_err *err)
{
    yajl_val c = nw_doc_get(doc, "cluster");
    const char *sp[] = {"story_id", NULL}, *fp[] = {"first_seen", NULL};
    yajl_val s = c && YAJL_IS_OBJECT(c) ? yajl_tree_get(c, sp, yajl_t_string) : NULL;
    yajl_val f = c && YAJL_IS_OBJECT(c) ? yajl_tree_get(c, fp, yajl_t_string) : NULL;
    if (!s || !f) {
        return nw_err_set(err, NW_E_INPUT, "missing_field",
                          "cluster.story_id and cluster.first_seen are required");
    }
    *story = s->u.string;
    *first_seen = f->u.string;
    return NW_OK;
}

static void write_story(yajl_gen g, const nw_story_view *v, const char *story_id, int full)
{
    yajl_gen_map_open(g);
    if (full) {
        nw_json_str(g, "story_id", story_id);
    }
    nw_json_int(g, "size", v->size);
    nw_json_key(g, "sources");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < v->nsources; i++) {
        nw_json_str(g, NULL, v->sources[i]);
    }
    yajl_gen_array_close(g);
    nw_json_str(g, "first_seen", v->first_seen);
    nw_json_str(g, "first_id", v->first_id);
    nw_json_str(g, "headline", v->headline);
    if (full) {
        nw_json_str(g, "agency", v->agency);
        nw_json_str(g, "last_seen", v->last_seen);
        nw_json_str(g, "last_id", v->last_id);
    }
    yajl_gen_map_close(g);
}

static int ensure(enrich_ctx *c, size_t n)
{
    if (n <= c->cap) {
        return NW_OK;
    }
    free(c->updates);
    free(c->views);
    free(c->datelines);
    free(c->item_of);
    c->updates = calloc(n, sizeof *c->updates);
    c->views = calloc(n, sizeof *c->views);
    c->datelines = calloc(n, sizeof *c->datelines);
    c->item_of = calloc(n, sizeof *c->item_of);
    c->cap = n;
    if (!c->updates || !c->views || !c->datelines || !c->item_of) {
        c->cap = 0;
        return NW_E_NOMEM;
    }
    return NW_OK;
}

static int write_records(enrich_ctx *c, const nw_doc *doc, const nw_dateline *dl,
                         const nw_story_view *v, const char *story, nw_outbox *out)
{
    const char *text = nw_doc_str(doc, "text");
    yajl_gen g = out->gen;
    static const char *const replaced[] = {"enrich", NULL};
    yajl_gen_map_open(g);
    nw_json_copy_fields(g, doc->root, replaced);
    nw_json_key(g, "enrich");
    yajl_gen_map_open(g);
    nw_json_str(g, "agency", dl->agency);
    nw_json_str(g, "dateline", dl->place[0] ? dl->place : NULL);
    nw_json_int(g, "word_count", (long long)nw_word_count(text, strlen(text)));
    nw_json_key(g, "story");
    write_story(g, v, story, 0);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
    int rc = nw_outbox_add_gen(out, NULL, doc->id);
    if (rc != NW_OK) {
        return rc;
    }
    write_story(g, v, story, 1);
    return nw_outbox_add_gen(out, c->cfg->topic_stories, story);
}

/* Every article of the batch updates its story in one Redis round trip. */
int enrich_step_batch(void *ctx, nw_batch_item *items, size_t n, nw_err *err)
{
    enrich_ctx *c = ctx;
    if (ensure(c, n) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const nw_doc *doc = &items[i].doc;
        const char *text = NULL, *story = NULL, *first_seen = NULL;
        items[i].rc = nw_doc_require_str(doc, "text", &text, &items[i].err);
        if (items[i].rc == NW_OK) {
            items[i].rc = read_cluster(doc, &story, &first_seen, &items[i].err);
        }
        if (items[i].rc != NW_OK) {
            continue;
        }
        nw_dateline_parse(text, strlen(text), &c->datelines[k]);
        c->updates[k] = (nw_story_update){story, doc->id, nw_doc_str(doc, "source"),
                                          nw_doc_str(doc, "title"), c->datelines[k].agency,
                                          first_seen};
        c->item_of[k++] = i;
    }
    int rc = k ? nw_story_store_update(c->stories, c->updates, c->views, k, err) : NW_OK;
    for (size_t j = 0; j < k && rc == NW_OK; j++) {
        nw_batch_item *it = &items[c->item_of[j]];
        rc = write_records(c, &it->doc, &c->datelines[j], &c->views[j], c->updates[j].story_id,
                           it->out);
    }
    return rc;
}
