/* routes.c - the API's routes: which handler a path goes to, and the read-only questions:
 * an article's decision, a story with its members, the recently active stories, and why two
 * articles match (their shared passages). Every answer is read from the Redis store as it
 * stands; nothing here writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "core/article_card.h"
#include "core/doc.h"
#include "core/nw_error.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "io/metrics.h"
#include "io/story_json.h"
#include "match/cluster_json.h"
#include "match/explain.h"

/* A path's or argument's article or story id: 1..256 bytes of UTF-8. */
static int valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    return n > 0 && n <= NW_DOC_ID_MAX && nw_utf8_validate(id, n) == n;
}

/* An unsigned argument within [0, max], or def when absent; -1 when malformed. */
static long long arg_count(const nw_http_request *q, const char *name, long long def, long long max)
{
    const char *v = nw_http_arg(q, name);
    if (!v) {
        return def;
    }
    char *end;
    long long x = strtoll(v, &end, 10);
    return *v && !*end && x >= 0 && x <= max ? x : -1;
}

void api_write_article(yajl_gen g, const char *id, const nw_sig_record *rec, const char *card,
                       size_t card_len, int with_text)
{
    nw_json_str(g, "id", id);
    nw_err err;
    yajl_val root = card ? nw_json_parse(card, card_len, &err) : NULL;
    nw_card c;
    int have = root && nw_card_read(root, &c) == 0;
    nw_json_str(g, "title", have ? c.title : NULL);
    nw_json_str(g, "source", have ? c.source : NULL);
    nw_json_str(g, "url", have ? c.url : NULL);
    nw_json_str(g, "published_at", have ? c.published_at : NULL);
    if (have) {
        nw_json_int(g, "text_bytes", c.text_bytes);
    }
    if (have && with_text) {
        nw_json_strn(g, "text", c.text, c.text_len);
        nw_json_bool(g, "text_cut", c.cut);
    }
    nw_json_key(g, "cluster");
    if (rec) {
        nw_cluster_json_write(g, rec, 0);
    } else {
        yajl_gen_null(g);
    }
    if (root) {
        yajl_tree_free(root);
    }
}

/* GET /v1/articles/{id}[?text=1] */
static void get_article(api_ctx *a, const char *id, const nw_http_request *q, nw_http_response *r)
{
    nw_err err;
    nw_err_clear(&err);
    const nw_sig_record *rec;
    int rc = nw_store_records(a->store, &id, 1, &rec, &err);
    if (rc != NW_OK) {
        api_store_error(r, rc, &err);
        return;
    }
    if (!rec) {
        api_error(r, 404, "not_found", "no decided article \"%s\" in the window", id);
        return;
    }
    const char *card = NULL;
    size_t len = 0;
    if ((rc = nw_article_store_get(a->cards, &id, 1, &card, &len, &err)) != NW_OK) {
        api_store_error(r, rc, &err);
        return;
    }
    const char *text = nw_http_arg(q, "text");
    yajl_gen_map_open(a->g);
    api_write_article(a->g, id, rec, card, len, text && strcmp(text, "0") != 0);
    yajl_gen_map_close(a->g);
    api_json(a, r, 200);
}

typedef struct member {
    const char *id;
    const nw_sig_record *rec;
} member;

static int cmp_member(const void *pa, const void *pb)
{
    const member *x = pa, *y = pb;
    if (!x->rec != !y->rec) { /* members whose record is gone come last */
        return x->rec ? -1 : 1;
    }
    if (!x->rec) {
        return strcmp(x->id, y->id);
    }
    if (x->rec->order_ms != y->rec->order_ms) {
        return x->rec->order_ms < y->rec->order_ms ? -1 : 1;
    }
    return strcmp(x->id, y->id);
}

/* GET /v1/stories/{id}?offset=&limit= : the story and a page of its members in publication
 * order (every member's record is read to order them; their cards only for the page). */
static void get_story(api_ctx *a, const char *id, const nw_http_request *q, nw_http_response *r)
{
    long long offset = arg_count(q, "offset", 0, 1000000000),
              limit = arg_count(q, "limit", a->cfg->page_size, a->cfg->max_page);
    if (offset < 0 || limit < 0) {
        api_error(r, 400, "bad_argument", "offset and limit must be whole numbers (limit <= %lld)",
                  a->cfg->max_page);
        return;
    }
    nw_err err;
    nw_err_clear(&err);
    nw_story_view v;
    int rc = nw_story_store_read(a->stories, &id, 1, &v, 1, &err);
    if (rc != NW_OK) {
        api_store_error(r, rc, &err);
        return;
    }
    if (!v.first_id) {
        api_error(r, 404, "not_found", "no story \"%s\" in the window", id);
        return;
    }
    size_t n = v.nmembers;
    member *m = calloc(n ? n : 1, sizeof *m);
    const nw_sig_record **recs = calloc(n ? n : 1, sizeof *recs);
    const char **page = calloc(n ? n : 1, sizeof *page), **cards = calloc(n ? n : 1, sizeof *cards);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    if (!m || !recs || !page || !cards || !lens) {
        api_error(r, 500, "nomem", "out of memory");
        goto done;
    }
    if ((rc = nw_store_records(a->store, v.members, n, recs, &err)) != NW_OK) {
        api_store_error(r, rc, &err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        m[i] = (member){v.members[i], recs[i]};
    }
    qsort(m, n, sizeof *m, cmp_member);
    size_t from = (size_t)offset < n ? (size_t)offset : n;
    size_t count = n - from < (size_t)limit ? n - from : (size_t)limit;
    for (size_t i = 0; i < count; i++) {
        page[i] = m[from + i].id;
    }
    if ((rc = nw_article_store_get(a->cards, page, count, cards, lens, &err)) != NW_OK) {
        api_store_error(r, rc, &err);
        goto done;
    }
    yajl_gen g = a->g;
    yajl_gen_map_open(g);
    nw_story_json_fields(g, &v, id);
    nw_json_int(g, "members_total", (long long)n);
    nw_json_int(g, "offset", offset);
    nw_json_int(g, "limit", limit);
    nw_json_key(g, "members");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < count; i++) {
        yajl_gen_map_open(g);
        api_write_article(g, page[i], m[from + i].rec, cards[i], lens[i], 0);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    api_json(a, r, 200);
done:
    free(m);
    free(recs);
    free(page);
    free(cards);
    free(lens);
}

/* since: RFC 3339, milliseconds since the epoch, or an age ("90s", "15m", "6h", "2d"). */
static int parse_since(const char *s, long long now, long long *out)
{
    char *end;
    long long x = strtoll(s, &end, 10);
    if (*s && end != s && x >= 0) {
        static const struct {
            char unit;
            long long ms;
        } units[] = {{'s', 1000}, {'m', 60000}, {'h', 3600000}, {'d', 86400000}};
        if (!*end && x > 100000000000LL) { /* after 1973: a time, not an age */
            *out = x;
            return 0;
        }
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            if (end[0] == units[i].unit && !end[1]) {
                *out = now - x * units[i].ms;
                return 0;
            }
        }
    }
    int64_t ms;
    if (nw_time_parse(s, &ms) == 0) {
        *out = ms;
        return 0;
    }
    return -1;
}

/* GET /v1/stories?since=&limit= : the most recently active stories first. */
static void list_stories(api_ctx *a, const nw_http_request *q, nw_http_response *r)
{
    long long now = nw_wall_ms(), since = now - a->cluster_cfg->window_seconds * 1000;
    const char *s = nw_http_arg(q, "since");
    long long limit = arg_count(q, "limit", a->cfg->page_size, a->cfg->max_page);
    if ((s && parse_since(s, now, &since) != 0) || limit < 0) {
        api_error(r, 400, "bad_argument",
                  "since is an RFC 3339 time, milliseconds since the epoch or an age (15m, 6h, "
                  "2d); limit a whole number up to %lld",
                  a->cfg->max_page);
        return;
    }
    nw_err err;
    nw_err_clear(&err);
    const nw_story_recent *rec;
    size_t n = 0;
    int rc = nw_story_store_recent(a->stories, since, (size_t)limit, &rec, &n, &err);
    if (rc != NW_OK) {
        api_store_error(r, rc, &err);
        return;
    }
    /* the ids and times outlive the store's next read as copies */
    char **ids = calloc(n ? n : 1, sizeof *ids);
    long long *active = calloc(n ? n : 1, sizeof *active);
    nw_story_view *v = calloc(n ? n : 1, sizeof *v);
    int ok = ids && active && v;
    for (size_t i = 0; ok && i < n; i++) {
        ok = (ids[i] = strdup(rec[i].story_id)) != NULL;
        active[i] = rec[i].active_ms;
    }
    if (!ok) {
        api_error(r, 500, "nomem", "out of memory");
    } else if ((rc = nw_story_store_read(a->stories, (const char *const *)ids, n, v, 0, &err)) !=
               NW_OK) {
        api_store_error(r, rc, &err);
    } else {
        yajl_gen g = a->g;
        char ts[32];
        yajl_gen_map_open(g);
        nw_time_format_ms(since, ts, sizeof ts);
        nw_json_str(g, "since", ts);
        nw_json_key(g, "stories");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < n; i++) {
            if (!v[i].first_id) { /* expired since it was listed */
                continue;
            }
            yajl_gen_map_open(g);
            nw_story_json_fields(g, &v[i], ids[i]);
            nw_time_format_ms(active[i], ts, sizeof ts);
            nw_json_str(g, "active_at", ts);
            yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
        api_json(a, r, 200);
    }
    for (size_t i = 0; ids && i < n; i++) {
        free(ids[i]);
    }
    free(ids);
    free(active);
    free(v);
}

static void write_span(yajl_gen g, const char *key, const char *text, nw_span s)
{
    nw_json_key(g, key);
    yajl_gen_map_open(g);
    nw_json_int(g, "start", (long long)s.start);
    nw_json_int(g, "end", (long long)s.end);
    nw_json_strn(g, "text", text + s.start, s.end - s.start);
    yajl_gen_map_close(g);
}

/* One side of an explanation: the article, and its text cut into plain and shared stretches. */
static int write_side(yajl_gen g, const char *key, const char *id, const nw_card *c,
                      const nw_explain *e, char which)
{
    nw_segment *seg = malloc((2 * e->npassages + 1) * sizeof *seg);
    if (!seg) {
        return NW_E_NOMEM;
    }
    size_t n = nw_explain_segments(e, which, c->text_len, seg);
    nw_json_key(g, key);
    yajl_gen_map_open(g);
    nw_json_str(g, "id", id);
    nw_json_str(g, "title", c->title);
    nw_json_str(g, "source", c->source);
    nw_json_str(g, "published_at", c->published_at);
    nw_json_int(g, "text_bytes", c->text_bytes);
    nw_json_bool(g, "text_cut", c->cut);
    nw_json_key(g, "segments");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        nw_json_strn(g, "text", c->text + seg[i].span.start, seg[i].span.end - seg[i].span.start);
        nw_json_key(g, "passage");
        if (seg[i].passage >= 0) {
            yajl_gen_integer(g, seg[i].passage);
        } else {
            yajl_gen_null(g);
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    free(seg);
    return NW_OK;
}

/* What the store decided between the two, when one lists the other among its matches. */
static void write_stored(yajl_gen g, const nw_sig_record *ra, const char *b, const char *by)
{
    for (size_t i = 0; ra && i < ra->nmatches; i++) {
        const nw_rec_match *m = &ra->matches[i];
        if (m->id.len == strlen(b) && memcmp(m->id.p, b, m->id.len) == 0) {
            nw_json_key(g, "stored");
            yajl_gen_map_open(g);
            nw_json_str(g, "relation", nw_relation_name(m->relation));
            nw_json_dbl(g, "jaccard", m->jaccard);
            nw_json_dbl(g, "containment", m->containment);
            nw_json_str(g, "listed_by", by);
            yajl_gen_map_close(g);
            return;
        }
    }
}

static void write_explain(api_ctx *a, const char *const *ids, const nw_card *c,
                          const nw_sig_record *const *recs, const nw_explain *e,
                          nw_http_response *r)
{
    yajl_gen g = a->g;
    yajl_gen_map_open(g);
    nw_json_dbl(g, "jaccard", e->jaccard);
    nw_json_dbl(g, "containment", e->containment);
    nw_json_key(g, "shingles");
    yajl_gen_map_open(g);
    nw_json_int(g, "a", (long long)e->shingles_a);
    nw_json_int(g, "b", (long long)e->shingles_b);
    nw_json_int(g, "shared", (long long)e->shared);
    yajl_gen_map_close(g);
    write_stored(g, recs[1], ids[0], ids[1]);
    write_stored(g, recs[0], ids[1], ids[0]);
    nw_json_key(g, "passages");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < e->npassages; i++) {
        const nw_passage *p = &e->passages[i];
        yajl_gen_map_open(g);
        nw_json_int(g, "words", (long long)p->tokens);
        write_span(g, "a", c[0].text, p->a);
        write_span(g, "b", c[1].text, p->b);
        write_span(g, "a_sentences", c[0].text, p->a_sentences);
        write_span(g, "b_sentences", c[1].text, p->b_sentences);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    if (write_side(g, "a", ids[0], &c[0], e, 'a') != NW_OK ||
        write_side(g, "b", ids[1], &c[1], e, 'b') != NW_OK) {
        api_error(r, 500, "nomem", "out of memory");
        return;
    }
    yajl_gen_map_close(g);
    api_json(a, r, 200);
}

/* GET /v1/explain?a=ID&b=ID : the passages the two articles' cards share. */
static void explain(api_ctx *a, const nw_http_request *q, nw_http_response *r)
{
    const char *ids[2] = {nw_http_arg(q, "a"), nw_http_arg(q, "b")};
    if (!valid_id(ids[0]) || !valid_id(ids[1])) {
        api_error(r, 400, "bad_argument", "a and b must be article ids (1-%d bytes of UTF-8)",
                  NW_DOC_ID_MAX);
        return;
    }
    nw_err err;
    nw_err_clear(&err);
    const char *card[2];
    size_t len[2];
    const nw_sig_record *recs[2];
    int rc = nw_store_records(a->store, ids, 2, recs, &err);
    if (rc == NW_OK) {
        rc = nw_article_store_get(a->cards, ids, 2, card, len, &err);
    }
    if (rc != NW_OK) {
        api_store_error(r, rc, &err);
        return;
    }
    yajl_val root[2] = {NULL, NULL};
    nw_card c[2];
    for (int i = 0; i < 2; i++) {
        root[i] = card[i] ? nw_json_parse(card[i], len[i], &err) : NULL;
        if (!root[i] || nw_card_read(root[i], &c[i]) != 0) {
            api_error(r, 404, "not_found", "no text of article \"%s\" in the window", ids[i]);
            goto done;
        }
    }
    nw_explain e;
    if (nw_explain_texts(c[0].text, c[0].text_len, c[1].text, c[1].text_len,
                         (unsigned)a->fp_cfg->shingle, (uint64_t)a->fp_cfg->seed,
                         (size_t)a->cfg->explain_min_words, &e) != NW_OK) {
        api_error(r, 500, "nomem", "out of memory");
        goto done;
    }
    write_explain(a, ids, c, recs, &e, r);
    nw_explain_release(&e);
done:
    for (int i = 0; i < 2; i++) {
        if (root[i]) {
            yajl_tree_free(root[i]);
        }
    }
}

static int is_get(const nw_http_request *q)
{
    return !strcmp(nw_http_method(q), "GET") || !strcmp(nw_http_method(q), "HEAD");
}

/* The route a request takes, as the metrics label it; NULL: none (404). */
static const char *route_of(const char *path)
{
    if (!strcmp(path, "/") || !strcmp(path, "/index.html")) {
        return "page";
    }
    if (!strncmp(path, "/v1/articles/", 13)) {
        return "article";
    }
    if (!strcmp(path, "/v1/stories")) {
        return "stories";
    }
    if (!strncmp(path, "/v1/stories/", 12)) {
        return "story";
    }
    if (!strcmp(path, "/v1/match")) {
        return "match";
    }
    if (!strcmp(path, "/v1/explain")) {
        return "explain";
    }
    return NULL;
}

static void dispatch(api_ctx *a, const char *route, const nw_http_request *q, nw_http_response *r)
{
    const char *path = nw_http_path(q);
    if (!route) {
        api_error(r, 404, "not_found", "no such path (see GET / and the README)");
    } else if (!strcmp(route, "match")) {
        if (strcmp(nw_http_method(q), "POST") != 0) {
            api_error(r, 405, "method_not_allowed", "POST a text or an article to /v1/match");
        } else {
            api_match(a, q, r);
        }
    } else if (!is_get(q)) {
        api_error(r, 405, "method_not_allowed", "this route answers GET and HEAD");
    } else if (!strcmp(route, "page")) {
        api_page(a, r);
    } else if (!strcmp(route, "stories")) {
        list_stories(a, q, r);
    } else if (!strcmp(route, "explain")) {
        explain(a, q, r);
    } else {
        const char *id = path + (!strcmp(route, "article") ? 13 : 12);
        if (!valid_id(id)) {
            api_error(r, 400, "bad_id", "an id is 1-%d bytes of UTF-8", NW_DOC_ID_MAX);
        } else if (!strcmp(route, "article")) {
            get_article(a, id, q, r);
        } else {
            get_story(a, id, q, r);
        }
    }
}

void api_handle(void *ctx, const nw_http_request *q, nw_http_response *r)
{
    api_ctx *a = ctx;
    double t0 = nw_now_seconds();
    yajl_gen_reset(a->g, NULL); /* a failed request may have left a document open */
    yajl_gen_clear(a->g);
    const char *route = route_of(nw_http_path(q));
    dispatch(a, route, q, r);
    char labels[96];
    snprintf(labels, sizeof labels, "route=\"%s\",code=\"%u\"", route ? route : "none", r->status);
    nw_metric_add(
        nw_counter("nearwire_api_requests_total", "API requests by route and status.", labels), 1);
    snprintf(labels, sizeof labels, "route=\"%s\"", route ? route : "none");
    nw_metric_observe(nw_histogram("nearwire_api_request_seconds",
                                   "Time to answer an API request, by route.", labels),
                      nw_now_seconds() - t0);
}
