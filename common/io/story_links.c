/* story_links.c - the union-find of stories (story_links.h): find in pipelined rounds, union
 * in memory over the roots found, link in Redis with SET NX, check, retry on a race. */
#include "story_links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/le.h"
#include "../core/nw_error.h"
#include "../core/redis_keys.h"
#include "../match/order.h"

#define UNKNOWN -2
#define ROOT -1
#define MAX_FIND_ROUNDS 64
#define MAX_ATTEMPTS 5
#define MAX_BFS_ROUNDS 16

typedef struct node {
    uint64_t h;
    char *id;
    int64_t order_ms;
    int parent;                    /* in Redis: a node, ROOT, or UNKNOWN until read */
    int before;                    /* the story it had before this batch (first find) */
    int dsu;                       /* in memory: union over the roots */
    int linked;                    /* this batch linked it under another story */
    int mine;                      /* its link names this batch's token: linked by an earlier
                                      attempt of this batch, whose reply may have been lost */
    long set_ticket, check_ticket; /* its link's SET NX and its target's check, when sent */
    int used; /* in an edge or a chain: its story is read; an article related to nothing
                 stands for its own story (a racer that links it also revises it) */
} node;

struct nw_links {
    nw_redis *r;
    char prefix[64];
    char ttl[24];
    uint64_t token; /* the batch's (nw_links_begin) */
    nw_arena arena;
    node *nodes;
    size_t n, cap;
    int *index; /* open addressing on h: node + 1, 0 empty */
    size_t icap;
    int (*edges)[2];
    size_t nedges, ecap;
    struct moved {
        const char *id;
        int story;
    } * moved;
    size_t nmoved, mcap;
    int attempt;
};

nw_links *nw_links_new(nw_redis *r, const char *prefix, long long window_s)
{
    nw_links *l = calloc(1, sizeof *l);
    if (!l) {
        return NULL;
    }
    l->r = r;
    snprintf(l->prefix, sizeof l->prefix, "%s", prefix);
    snprintf(l->ttl, sizeof l->ttl, "%lld", window_s);
    nw_arena_init(&l->arena);
    return l;
}

void nw_links_free(nw_links *l)
{
    if (!l) {
        return;
    }
    nw_arena_reset(&l->arena);
    free(l->nodes);
    free(l->index);
    free(l->edges);
    free(l->moved);
    free(l);
}

void nw_links_begin(nw_links *l, uint64_t token)
{
    l->token = token;
    nw_arena_rewind(&l->arena);
    l->n = l->nedges = l->nmoved = 0;
    if (l->index) {
        memset(l->index, 0, l->icap * sizeof *l->index);
    }
}

/* The index slot of the node (h, id), or the empty slot where it would go. */
static int find_slot(const nw_links *l, uint64_t h, const char *id, size_t idlen)
{
    size_t mask = l->icap - 1, i = (size_t)h & mask;
    for (; l->index[i]; i = (i + 1) & mask) {
        const node *n = &l->nodes[l->index[i] - 1];
        if (n->h == h && strncmp(n->id, id, idlen) == 0 && n->id[idlen] == '\0') {
            break;
        }
    }
    return (int)i;
}

static int grow_index(nw_links *l)
{
    size_t cap = l->icap ? l->icap * 2 : 1024;
    int *ix = calloc(cap, sizeof *ix);
    if (!ix) {
        return NW_E_NOMEM;
    }
    free(l->index);
    l->index = ix;
    l->icap = cap;
    for (size_t k = 0; k < l->n; k++) {
        const node *n = &l->nodes[k];
        l->index[find_slot(l, n->h, n->id, strlen(n->id))] = (int)k + 1;
    }
    return NW_OK;
}

static int add_node(nw_links *l, const char *id, size_t idlen, int64_t order_ms)
{
    uint64_t h = XXH3_64bits(id, idlen);
    if ((l->n + 1) * 2 > l->icap && grow_index(l) != NW_OK) {
        return -1;
    }
    int slot = find_slot(l, h, id, idlen);
    if (l->index[slot]) {
        return l->index[slot] - 1; /* known: looked up without a copy */
    }
    char *copy = nw_arena_strndup(&l->arena, id, idlen);
    if (!copy ||
        nw_array_reserve((void **)&l->nodes, &l->cap, l->n + 1, sizeof *l->nodes) != NW_OK) {
        return -1;
    }
    l->nodes[l->n] = (node){h, copy, order_ms, UNKNOWN, UNKNOWN, (int)l->n, 0, 0, -1, -1, 0};
    l->index[slot] = (int)l->n + 1;
    return (int)l->n++;
}

int nw_links_node(nw_links *l, const char *id, int64_t order_ms)
{
    return add_node(l, id, strlen(id), order_ms);
}

int nw_links_edge(nw_links *l, int a, int b)
{
    if (nw_array_reserve((void **)&l->edges, &l->ecap, l->nedges + 1, sizeof *l->edges) != NW_OK) {
        return NW_E_NOMEM;
    }
    l->edges[l->nedges][0] = a;
    l->edges[l->nedges][1] = b;
    l->nodes[a].used = l->nodes[b].used = 1;
    l->nedges++;
    return NW_OK;
}

static void key(const nw_links *l, char *out, size_t n, const char *kind, uint64_t h)
{
    nw_key_link(out, n, l->prefix, kind, h);
}

/* Follows Redis parents as read so far (a corrupt cycle stops after n steps). */
static int redis_root(const nw_links *l, int i)
{
    for (size_t steps = 0; l->nodes[i].parent >= 0 && steps < l->n; steps++) {
        i = l->nodes[i].parent;
    }
    return i;
}

static int dsu_find(nw_links *l, int i)
{
    while (l->nodes[i].dsu != i) {
        l->nodes[i].dsu = l->nodes[l->nodes[i].dsu].dsu;
        i = l->nodes[i].dsu;
    }
    return i;
}

static int earlier(const node *a, const node *b)
{
    return nw_order_cmp(a->order_ms, a->id, b->order_ms, b->id) < 0;
}

static int read_parent(nw_links *l, int i, const redisReply *rep, nw_err *err)
{
    if (rep->type == REDIS_REPLY_NIL) {
        l->nodes[i].parent = ROOT;
        return NW_OK;
    }
    if (rep->type != REDIS_REPLY_STRING || rep->len < 9) {
        return nw_err_set(err, NW_E_RETRY, "redis", "unexpected story link for %s", l->nodes[i].id);
    }
    int64_t order = (int64_t)nw_le_get((const unsigned char *)rep->str, 8);
    /* the parent's id, then (links made since 2026-12-03) a NUL and the linker's token */
    const char *id = rep->str + 8, *nul = memchr(id, '\0', rep->len - 8);
    size_t idlen = nul ? (size_t)(nul - id) : rep->len - 8;
    if (nul && rep->len - 8 - idlen - 1 == 8) {
        l->nodes[i].mine = nw_le_get((const unsigned char *)nul + 1, 8) == l->token;
    }
    int p = add_node(l, id, idlen, order);
    if (p < 0) {
        return NW_E_NOMEM;
    }
    l->nodes[i].parent = p;
    l->nodes[p].used = 1;
    return NW_OK;
}

/* Reads sa: of every node whose parent is unknown, in rounds, until every chain ends. */
static int find_all(nw_links *l, nw_err *err)
{
    int *pending = NULL;
    size_t pcap = 0;
    int rc = NW_OK;
    for (int round = 0; round < MAX_FIND_ROUNDS && rc == NW_OK; round++) {
        size_t np = 0;
        for (size_t i = 0; i < l->n && rc == NW_OK; i++) {
            if (l->nodes[i].parent != UNKNOWN) {
                continue;
            }
            if (nw_array_reserve((void **)&pending, &pcap, np + 1, sizeof *pending) != NW_OK) {
                rc = NW_E_NOMEM;
                break;
            }
            pending[np++] = (int)i;
            char k[64];
            key(l, k, sizeof k, "sa", l->nodes[i].h);
            const char *av[] = {"GET", k};
            nw_redis_append(l->r, 2, av, NULL);
        }
        if (rc != NW_OK || np == 0) {
            break;
        }
        for (size_t j = 0; j < np; j++) {
            redisReply *rep;
            int r2 = nw_redis_reply(l->r, &rep, err);
            if (r2 != NW_OK) {
                free(pending);
                return r2; /* the connection is reset: no replies left to read */
            }
            if (rc == NW_OK) {
                rc = read_parent(l, pending[j], rep, err);
            }
            freeReplyObject(rep);
        }
    }
    free(pending);
    for (size_t i = 0; rc == NW_OK && i < l->n; i++) {
        if (l->nodes[i].parent == UNKNOWN) {
            rc = nw_err_set(err, NW_E_RETRY, "redis", "story link chain too long");
        }
    }
    return rc;
}

/* A link's value: the parent's order (8 bytes, little-endian), its id, a NUL and the linking
 * batch's token (8 bytes, little-endian). */
static void encode_link(const node *to, uint64_t token, nw_buf *b)
{
    unsigned char o[8], t[9] = {0}; /* (t: the NUL, then the token) */
    nw_le_put(o, (uint64_t)to->order_ms, 8);
    nw_le_put(t + 1, token, 8);
    nw_buf_reset(b);
    nw_buf_append(b, o, 8);
    nw_buf_append(b, to->id, strlen(to->id));
    nw_buf_append(b, t, 9);
}

/* Unions the roots the edges join (earliest wins), then sends the links and the checks. */
static size_t send_links(nw_links *l, nw_buf *val)
{
    size_t sent = 0;
    for (size_t i = 0; i < l->n; i++) {
        l->nodes[i].dsu = (int)i;
    }
    for (size_t e = 0; e < l->nedges; e++) {
        int a = dsu_find(l, redis_root(l, l->edges[e][0]));
        int b = dsu_find(l, redis_root(l, l->edges[e][1]));
        if (a != b) {
            if (earlier(&l->nodes[a], &l->nodes[b])) {
                l->nodes[b].dsu = a;
            } else {
                l->nodes[a].dsu = b;
            }
        }
    }
    for (size_t i = 0; i < l->n; i++) {
        node *q = &l->nodes[i];
        int to = dsu_find(l, (int)i);
        if (q->parent != ROOT || to == (int)i) {
            continue;
        }
        const node *t = &l->nodes[to];
        char sa[64], sm[64];
        key(l, sa, sizeof sa, "sa", q->h);
        key(l, sm, sizeof sm, "sm", t->h);
        encode_link(t, l->token, val);
        const char *set[] = {"SET", sa, val->data, "NX", "EX", l->ttl};
        size_t sl[] = {3, strlen(sa), val->len, 2, 2, strlen(l->ttl)};
        const char *add[] = {"SADD", sm, q->id}, *exp[] = {"EXPIRE", sm, l->ttl};
        const char *check[] = {"GET", NULL};
        char tsa[64];
        key(l, tsa, sizeof tsa, "sa", t->h);
        check[1] = tsa;
        q->set_ticket = nw_redis_append(l->r, 6, set, sl);
        nw_redis_append(l->r, 3, add, NULL);
        nw_redis_append(l->r, 3, exp, NULL);
        q->check_ticket = nw_redis_append(l->r, 2, check, NULL);
        sent++;
    }
    return sent;
}

/* Reads the replies of send_links: 1 when every link took and every target is still a
 * story of its own, 0 when another linker raced us. */
static int read_links(nw_links *l, size_t sent, int *clean, nw_err *err)
{
    *clean = 1;
    if (!sent) {
        return NW_OK;
    }
    int rc = nw_redis_exec(l->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    for (size_t i = 0; i < l->n; i++) {
        node *q = &l->nodes[i];
        if (q->parent != ROOT || dsu_find(l, (int)i) == (int)i) {
            continue;
        }
        int took = nw_redis_at(l->r, q->set_ticket)->type == REDIS_REPLY_STATUS;
        q->linked |= took;
        *clean &= took && nw_redis_at(l->r, q->check_ticket)->type == REDIS_REPLY_NIL;
    }
    const char *bad = nw_redis_round_error(l->r);
    return bad ? nw_err_set(err, NW_E_RETRY, "redis", "linking stories: %s", bad) : NW_OK;
}

int nw_links_commit(nw_links *l, nw_err *err)
{
    nw_buf val;
    nw_buf_init(&val);
    int rc = NW_OK;
    for (l->attempt = 0; l->attempt < MAX_ATTEMPTS; l->attempt++) {
        for (size_t i = 0; i < l->n; i++) {
            l->nodes[i].parent = l->nodes[i].used ? UNKNOWN : ROOT;
        }
        if ((rc = find_all(l, err)) != NW_OK) {
            break;
        }
        for (size_t i = 0; l->attempt == 0 && i < l->n; i++) {
            l->nodes[i].before = redis_root(l, (int)i);
        }
        int clean;
        size_t sent = send_links(l, &val);
        if ((rc = read_links(l, sent, &clean, err)) != NW_OK || clean) {
            break;
        }
    }
    if (rc == NW_OK && l->attempt == MAX_ATTEMPTS) {
        rc = nw_err_set(err, NW_E_RETRY, "story_race", "stories kept changing while linking");
    }
    nw_buf_release(&val);
    return rc;
}

const char *nw_links_story(const nw_links *l, int i, int64_t *order_ms)
{
    int r = dsu_find((nw_links *)l, redis_root(l, i));
    if (order_ms) {
        *order_ms = l->nodes[r].order_ms;
    }
    return l->nodes[r].id;
}

const char *nw_links_story_before(const nw_links *l, int i)
{
    int b = l->nodes[i].before;
    return b >= 0 ? l->nodes[b].id : l->nodes[i].id;
}

static int add_moved(nw_links *l, const char *id, size_t len, int story)
{
    char *copy = nw_arena_strndup(&l->arena, id, len);
    if (!copy || nw_array_reserve((void **)&l->moved, &l->mcap, l->nmoved + 1, sizeof *l->moved)) {
        return NW_E_NOMEM;
    }
    l->moved[l->nmoved].id = copy;
    l->moved[l->nmoved++].story = story;
    return NW_OK;
}

/* One joined story's articles: breadth first through sm: sets, at most max. */
static int collect_one(nw_links *l, int q, size_t max, nw_err *err)
{
    int story = dsu_find(l, redis_root(l, q));
    size_t start = l->nmoved, frontier = l->nmoved;
    int rc = add_moved(l, l->nodes[q].id, strlen(l->nodes[q].id), story);
    for (int round = 0; rc == NW_OK && round < MAX_BFS_ROUNDS; round++) {
        size_t end = l->nmoved;
        if (frontier == end) {
            break;
        }
        for (size_t m = frontier; m < end; m++) {
            char sm[64];
            key(l, sm, sizeof sm, "sm", XXH3_64bits(l->moved[m].id, strlen(l->moved[m].id)));
            const char *av[] = {"SMEMBERS", sm};
            nw_redis_append(l->r, 2, av, NULL);
        }
        for (size_t m = frontier; m < end; m++) {
            redisReply *rep;
            int r2 = nw_redis_reply(l->r, &rep, err);
            if (r2 != NW_OK) {
                return r2;
            }
            if (rep->type == REDIS_REPLY_ERROR && rc == NW_OK) {
                /* not "no members": the joined story's articles would keep their old story */
                rc = nw_err_set(err, NW_E_RETRY, "redis", "reading a joined story's articles: %s",
                                rep->str);
            }
            for (size_t e = 0; rc == NW_OK && rep->type == REDIS_REPLY_ARRAY && e < rep->elements;
                 e++) {
                const redisReply *id = rep->element[e];
                int seen = l->nmoved - start >= max;
                for (size_t k = start; k < l->nmoved && !seen; k++) {
                    seen = strlen(l->moved[k].id) == id->len &&
                           memcmp(l->moved[k].id, id->str, id->len) == 0;
                }
                if (!seen) {
                    rc = add_moved(l, id->str, id->len, story);
                }
            }
            freeReplyObject(rep);
        }
        frontier = end;
    }
    return rc;
}

int nw_links_collect_moved(nw_links *l, size_t max_per_story, nw_err *err)
{
    int rc = NW_OK;
    l->nmoved = 0;
    for (size_t i = 0; i < l->n && rc == NW_OK; i++) {
        if (l->nodes[i].linked || l->nodes[i].mine) {
            rc = collect_one(l, (int)i, max_per_story, err);
        }
    }
    return rc;
}

size_t nw_links_nmoved(const nw_links *l)
{
    return l->nmoved;
}

const char *nw_links_moved(const nw_links *l, size_t i, int *story_node)
{
    *story_node = l->moved[i].story;
    return l->moved[i].id;
}
