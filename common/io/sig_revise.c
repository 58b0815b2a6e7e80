/* sig_revise.c - intents sorted by target, rounds of read, apply, compare-and-set. */
#include "sig_revise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/nw_error.h"
#include "../core/redis_keys.h"
#include "../match/order.h"

#define MAX_ROUNDS 5

const char nw_revise_cas_lua[] = "local cur = redis.call('GET', KEYS[1]) "
                                 "if not cur then return -1 end "
                                 "if cur ~= ARGV[1] then return 0 end "
                                 "redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') return 1";

typedef struct intent {
    uint64_t h;
    const char *target;
    size_t cause;
    int is_story;
    nw_candidate m;
    const char *story;
    int64_t story_order_ms;
} intent;

typedef struct target {
    uint64_t h;
    const char *id;
    size_t first, count; /* its intents */
    int state;           /* TODO, DONE, GONE */
    nw_buf cur, next;
    nw_sig_record *rec; /* decoded next, once written */
} rev_target;

enum { TODO, DONE, GONE };

struct nw_revise {
    nw_redis *r;
    char prefix[64];
    int cas;
    const nw_match_params *match;
    unsigned max_matches;
    nw_arena arena;
    intent *in;
    size_t nin, incap;
    rev_target *t;
    size_t nt, tcap, tinit;
    size_t *results;
    size_t nresults, rcap, pokes;
};

nw_revise *nw_revise_new(nw_redis *r, const char *prefix, int cas_script,
                         const nw_match_params *match, unsigned max_matches)
{
    nw_revise *v = calloc(1, sizeof *v);
    if (v) {
        v->r = r;
        snprintf(v->prefix, sizeof v->prefix, "%s", prefix);
        v->cas = cas_script;
        v->match = match;
        v->max_matches = max_matches;
        nw_arena_init(&v->arena);
    }
    return v;
}

void nw_revise_free(nw_revise *v)
{
    if (!v) {
        return;
    }
    for (size_t i = 0; i < v->tinit; i++) {
        nw_buf_release(&v->t[i].cur);
        nw_buf_release(&v->t[i].next);
    }
    nw_arena_reset(&v->arena);
    free(v->in);
    free(v->t);
    free(v->results);
    free(v);
}

void nw_revise_begin(nw_revise *v)
{
    nw_arena_rewind(&v->arena);
    v->nin = v->nt = v->nresults = v->pokes = 0;
}

static intent *new_intent(nw_revise *v, const char *target, size_t cause)
{
    if (nw_array_reserve((void **)&v->in, &v->incap, v->nin + 1, sizeof *v->in) != NW_OK) {
        return NULL;
    }
    intent *it = &v->in[v->nin];
    memset(it, 0, sizeof *it);
    it->target = nw_arena_strndup(&v->arena, target, strlen(target));
    if (!it->target) {
        return NULL;
    }
    it->h = XXH3_64bits(target, strlen(target));
    it->cause = cause;
    v->nin++;
    return it;
}

int nw_revise_add_match(nw_revise *v, const char *target, size_t cause, const nw_candidate *m)
{
    intent *it = new_intent(v, target, cause);
    if (!it) {
        return NW_E_NOMEM;
    }
    it->m = *m;
    it->m.id = nw_arena_strndup(&v->arena, m->id, strlen(m->id));
    return it->m.id ? NW_OK : NW_E_NOMEM;
}

int nw_revise_add_story(nw_revise *v, const char *target, size_t cause, const char *story,
                        int64_t story_order_ms)
{
    intent *it = new_intent(v, target, cause);
    if (!it) {
        return NW_E_NOMEM;
    }
    it->is_story = 1;
    it->story = nw_arena_strndup(&v->arena, story, strlen(story));
    it->story_order_ms = story_order_ms;
    return it->story ? NW_OK : NW_E_NOMEM;
}

static int cmp_intents(const void *pa, const void *pb)
{
    const intent *a = pa, *b = pb;
    if (a->h != b->h) {
        return a->h < b->h ? -1 : 1;
    }
    int c = strcmp(a->target, b->target);
    if (c) {
        return c;
    }
    return (a->cause > b->cause) - (a->cause < b->cause);
}

static int group_targets(nw_revise *v, int (*skip)(void *, const char *), void *arg)
{
    if (v->nin > 1) {
        qsort(v->in, v->nin, sizeof *v->in, cmp_intents);
    }
    for (size_t i = 0; i < v->nin;) {
        size_t j = i + 1;
        while (j < v->nin && v->in[j].h == v->in[i].h &&
               strcmp(v->in[j].target, v->in[i].target) == 0) {
            j++;
        }
        if (!skip(arg, v->in[i].target)) {
            if (nw_array_reserve((void **)&v->t, &v->tcap, v->nt + 1, sizeof *v->t) != NW_OK) {
                return NW_E_NOMEM;
            }
            for (; v->tinit <= v->nt; v->tinit++) {
                nw_buf_init(&v->t[v->tinit].cur);
                nw_buf_init(&v->t[v->tinit].next);
            }
            rev_target *t = &v->t[v->nt++];
            t->h = v->in[i].h;
            t->id = v->in[i].target;
            t->first = i;
            t->count = j - i;
            t->state = TODO;
            t->rec = NULL;
        }
        i = j;
    }
    return NW_OK;
}

static void record_key(const nw_revise *v, char *out, size_t n, uint64_t h)
{
    nw_key_record(out, n, v->prefix, h);
}

/* The decided record r with the target's intents applied; 1 when anything changed. */
static int apply_intents(nw_revise *v, const rev_target *t, nw_sig_record *r)
{
    nw_candidate list[NW_REC_MAX_MATCHES];
    size_t n = r->nmatches,
           max = v->max_matches < NW_REC_MAX_MATCHES ? v->max_matches : NW_REC_MAX_MATCHES;
    int changed = 0;
    for (size_t i = 0; i < n; i++) {
        const nw_rec_match *m = &r->matches[i];
        list[i] = (nw_candidate){.id = nw_arena_strndup(&v->arena, m->id.p, m->id.len),
                                 .order_ms = m->order_ms,
                                 .jaccard = m->jaccard,
                                 .containment = m->containment,
                                 .relation = m->relation,
                                 .earlier = 1};
        if (!list[i].id) {
            return -1;
        }
    }
    char *story = nw_arena_strndup(&v->arena, r->story.p, r->story.len);
    if (!story) {
        return -1;
    }
    for (size_t k = t->first; k < t->first + t->count; k++) {
        const intent *it = &v->in[k];
        if (it->is_story) {
            if (nw_order_cmp(it->story_order_ms, it->story, r->story_order_ms, story) < 0) {
                story = (char *)it->story;
                r->story_order_ms = it->story_order_ms;
                changed = 1;
            }
        } else {
            changed |= nw_matches_insert(list, &n, max, &it->m);
        }
    }
    r->story = (nw_bytes){story, strlen(story)};
    r->nmatches = n;
    for (size_t i = 0; i < n; i++) {
        r->matches[i] = (nw_rec_match){{list[i].id, strlen(list[i].id)},
                                       list[i].order_ms,
                                       list[i].jaccard,
                                       list[i].containment,
                                       list[i].relation};
    }
    return changed;
}

/* Turns the bytes read into the bytes to write: 1 to write, 0 nothing to do, -1 no memory. */
static int prepare(nw_revise *v, rev_target *t, const redisReply *rep)
{
    if (rep->type != REDIS_REPLY_STRING) {
        t->state = GONE; /* expired: nothing to revise */
        return 0;
    }
    nw_buf_reset(&t->cur);
    nw_buf_reset(&t->next);
    nw_sig_record *r = nw_arena_alloc(&v->arena, sizeof *r);
    if (!r || nw_buf_append(&t->cur, rep->str, rep->len) != NW_OK) {
        return -1;
    }
    if (nw_sig_record_decode(t->cur.data, t->cur.len, r) != 0) {
        t->state = GONE;
        return 0;
    }
    int changed = 1; /* an undecided record is poked: same bytes, the counter bumped */
    if (r->decided) {
        changed = apply_intents(v, t, r);
    }
    if (changed <= 0) {
        t->state = changed < 0 ? t->state : DONE;
        return changed;
    }
    r->revision++;
    t->rec = r;
    return nw_sig_record_encode(r, &t->next) == NW_OK ? 1 : -1;
}

static int send_reads(nw_revise *v)
{
    size_t sent = 0;
    for (size_t i = 0; i < v->nt; i++) {
        if (v->t[i].state == TODO) {
            char key[64];
            record_key(v, key, sizeof key, v->t[i].h);
            const char *av[] = {"GET", key};
            nw_redis_append(v->r, 2, av, NULL);
            sent++;
        }
    }
    return (int)sent;
}

static int add_result(nw_revise *v, size_t t)
{
    if (nw_array_reserve((void **)&v->results, &v->rcap, v->nresults + 1, sizeof *v->results)) {
        return NW_E_NOMEM;
    }
    v->results[v->nresults++] = t;
    return NW_OK;
}

/* The next target from *i on that is still open (and, when 'changed', has bytes to write). */
static rev_target *next_open(nw_revise *v, size_t *i, int changed)
{
    for (; *i < v->nt; (*i)++) {
        rev_target *t = &v->t[*i];
        if (t->state == TODO && (!changed || t->rec)) {
            return t;
        }
    }
    return NULL;
}

/* Reads every open target and prepares what to write. */
static int read_targets(nw_revise *v, nw_err *err)
{
    size_t n = (size_t)send_reads(v), i = 0;
    int rc = NW_OK;
    for (size_t k = 0; k < n; k++, i++) {
        rev_target *t = next_open(v, &i, 0);
        redisReply *rep;
        int r2 = nw_redis_reply(v->r, &rep, err);
        if (r2 != NW_OK) {
            return r2;
        }
        int p = rc == NW_OK ? prepare(v, t, rep) : 0;
        freeReplyObject(rep);
        rc = p < 0 ? NW_E_NOMEM : rc;
        t->rec = p > 0 ? t->rec : NULL;
    }
    return rc;
}

/* Compare-and-sets every prepared target; notes what took, what changed meanwhile (open for
 * the next round) and what is gone. */
static int write_targets(nw_revise *v, nw_err *err)
{
    size_t n = 0, i = 0;
    for (rev_target *t; (t = next_open(v, &i, 1)) != NULL; i++, n++) {
        char key[64];
        record_key(v, key, sizeof key, t->h);
        const char *av[] = {key, t->cur.data, t->next.data};
        size_t al[] = {strlen(key), t->cur.len, t->next.len};
        nw_redis_append_evalsha(v->r, v->cas, 1, 3, av, al);
    }
    int rc = NW_OK;
    i = 0;
    for (size_t k = 0; k < n; k++, i++) {
        rev_target *t = next_open(v, &i, 1);
        redisReply *rep;
        int r2 = nw_redis_reply(v->r, &rep, err);
        if (r2 != NW_OK) {
            return r2;
        }
        long long got = rep->type == REDIS_REPLY_INTEGER ? rep->integer : -2;
        if (got == -2 && rc == NW_OK) {
            rc = nw_err_set(err, NW_E_RETRY, "redis", "revising %s: %s", t->id,
                            rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
        }
        freeReplyObject(rep);
        t->state = got == 1 ? DONE : got == -1 ? GONE : TODO;
        if (got == 1 && t->rec->decided) {
            /* point the record at the bytes now stored */
            nw_sig_record_decode(t->next.data, t->next.len, t->rec);
            rc = rc == NW_OK ? add_result(v, i) : rc;
        } else if (got == 1) {
            v->pokes++;
        }
        t->rec = t->state == DONE ? t->rec : NULL;
    }
    return rc;
}

/* One round: read every open target, write the changed ones. */
static int round_trip(nw_revise *v, nw_err *err)
{
    int rc = read_targets(v, err);
    return rc == NW_OK ? write_targets(v, err) : rc;
}

int nw_revise_apply(nw_revise *v, int (*skip)(void *, const char *), void *arg, nw_err *err)
{
    v->nt = v->nresults = v->pokes = 0;
    int rc = group_targets(v, skip, arg);
    for (int round = 0; rc == NW_OK && round < MAX_ROUNDS; round++) {
        size_t open = 0;
        for (size_t i = 0; i < v->nt; i++) {
            open += v->t[i].state == TODO;
        }
        if (!open) {
            return NW_OK;
        }
        rc = round_trip(v, err);
    }
    if (rc == NW_OK) {
        for (size_t i = 0; i < v->nt; i++) {
            if (v->t[i].state == TODO) {
                return nw_err_set(err, NW_E_RETRY, "revision_race",
                                  "record %s kept changing while being revised", v->t[i].id);
            }
        }
    }
    return rc == NW_E_NOMEM ? nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory") : rc;
}

size_t nw_revise_count(const nw_revise *v)
{
    return v->nresults;
}

const nw_sig_record *nw_revise_result(const nw_revise *v, size_t i, size_t *cause)
{
    const rev_target *t = &v->t[v->results[i]];
    *cause = v->in[t->first].cause;
    return t->rec;
}

size_t nw_revise_pokes(const nw_revise *v)
{
    return v->pokes;
}
