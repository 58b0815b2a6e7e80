/* redis_client.c - the round (commands encoded once, sent per node, replies put back in order),
 * the slot map, a connection per node, redirections and back-off. */
#include "redis_client.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/decimal.h"
#include "../core/nw_error.h"
#include "../core/redis_slot.h"
#include "../core/redis_url.h"
#include "log.h"
#include "metrics.h"

/* Sends of one round: the first, then resends after redirections and back-offs (20 ms
 * doubling to 1 s: about 6 s in all, longer than a cluster takes to settle a migration). */
#define MAX_SENDS 12
#define OWED_ASKING -1 /* a reply owed to ASKING, not to a command */
#define OWED_WAIT -2   /* a reply owed to WAIT */

typedef struct node {
    char host[256];
    int port;
    char addr[280];
    redisContext *c;
    int replicas; /* live replicas the map lists for it (-1: not known) */
    int *owed;    /* this send: per reply owed, its command or OWED_* */
    size_t nowed, owed_cap;
    nw_buf share; /* this send: the RESP bytes of its commands, written as they are */
} node;

typedef struct cmd {
    size_t off, len; /* its bytes in out */
    int slot;        /* -1: no key; -2: not computed yet (only a cluster needs it) */
    int master;      /* nw_redis_append_to's master, else -1 */
    int ask;         /* the node an ASK sent it to, for its next send only; else -1 */
    int done;        /* its reply is final */
    redisReply *rep;
} cmd;

enum { ROUND_OPEN, ROUND_READ, ROUND_FAILED };

struct nw_redis {
    nw_redis_url url;
    int timeout_ms;
    int wait_replicas, wait_timeout_ms;
    const char *scripts[NW_REDIS_MAX_SCRIPTS];
    char shas[NW_REDIS_MAX_SCRIPTS][48];
    int nscripts;
    node *nodes;
    size_t nnodes, node_cap;
    uint16_t slot_node[NW_REDIS_SLOTS];   /* node index + 1; 0: no node known */
    uint16_t slot_before[NW_REDIS_SLOTS]; /* the map a refresh replaces (for its log line) */
    int *masters;                         /* nodes serving slots, in the map's order */
    size_t nmasters, master_cap;
    int cluster; /* the server is a cluster node */
    int mapped;  /* the map is current; a failed node makes it stale */
    int remap;   /* a MOVED was followed: read the whole map before the next round */
    nw_buf out;
    nw_arena replies; /* the round's replies (see round_replies) */
    cmd *q;
    size_t nq, qcap, next;
    int state;
    int lost;         /* a command of the round could not be queued (out of memory) */
    long first_error; /* the round's first error reply, once read; -1: none */
    nw_err fail;      /* why the round failed */
    int unreachable;
    nw_metric *m_errors, *m_moved, *m_ask, *m_retry, *m_wait_short;
};

nw_redis *nw_redis_new(const char *url, int timeout_ms, nw_err *err)
{
    nw_redis *r = calloc(1, sizeof *r);
    if (!r) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    if (nw_redis_url_parse(url, &r->url, err) != NW_OK) {
        free(r);
        return NULL;
    }
    r->timeout_ms = timeout_ms;
    nw_buf_init(&r->out);
    nw_arena_init(&r->replies);
    const char *redirects = "nearwire_redis_redirects_total";
    const char *help = "Commands a Redis Cluster node sent elsewhere (MOVED, ASK) or asked to be "
                       "sent again (TRYAGAIN, CLUSTERDOWN, LOADING).";
    r->m_errors = nw_counter("nearwire_redis_errors_total",
                             "Redis error replies and failed connections.", NULL);
    r->m_moved = nw_counter(redirects, help, "kind=\"moved\"");
    r->m_ask = nw_counter(redirects, help, "kind=\"ask\"");
    r->m_retry = nw_counter(redirects, help, "kind=\"retry\"");
    r->m_wait_short = nw_counter("nearwire_redis_wait_short_total",
                                 "WAITs that timed out before the replicas asked for "
                                 "acknowledged (redis.wait_replicas).",
                                 NULL);
    return r;
}

static void reset_round(nw_redis *r)
{
    nw_arena_rewind(&r->replies); /* every reply of the round */
    r->nq = 0;
    r->next = 0;
    r->lost = 0;
    r->first_error = -1;
    nw_buf_reset(&r->out);
    r->state = ROUND_OPEN;
}

void nw_redis_free(nw_redis *r)
{
    if (!r) {
        return;
    }
    reset_round(r);
    for (size_t i = 0; i < r->nnodes; i++) {
        if (r->nodes[i].c) {
            redisFree(r->nodes[i].c);
        }
        free(r->nodes[i].owed);
        nw_buf_release(&r->nodes[i].share);
    }
    free(r->nodes);
    free(r->masters);
    free(r->q);
    nw_buf_release(&r->out);
    nw_arena_reset(&r->replies);
    free(r);
}

void nw_redis_set_wait(nw_redis *r, int replicas, int timeout_ms)
{
    r->wait_replicas = replicas;
    r->wait_timeout_ms = timeout_ms;
}

int nw_redis_add_script(nw_redis *r, const char *lua)
{
    if (r->nscripts == NW_REDIS_MAX_SCRIPTS) {
        return -1;
    }
    r->scripts[r->nscripts] = lua;
    r->shas[r->nscripts][0] = '\0';
    return r->nscripts++;
}

/* ---- nodes ---- */

static int find_node(nw_redis *r, const char *host, int port)
{
    for (size_t i = 0; i < r->nnodes; i++) {
        if (r->nodes[i].port == port && !strcmp(r->nodes[i].host, host)) {
            return (int)i;
        }
    }
    if (r->nnodes == 65535 || nw_array_reserve((void **)&r->nodes, &r->node_cap, r->nnodes + 1,
                                               sizeof *r->nodes) != NW_OK) {
        return -1;
    }
    node *n = &r->nodes[r->nnodes];
    memset(n, 0, sizeof *n);
    snprintf(n->host, sizeof n->host, "%s", host);
    n->port = port;
    n->replicas = -1;
    nw_redis_host_addr(host, port, n->addr, sizeof n->addr);
    return (int)r->nnodes++;
}

/* "host:port" as MOVED and ASK name a node (an IPv6 host is not bracketed there). */
static int find_node_addr(nw_redis *r, const char *addr)
{
    const char *colon = strrchr(addr, ':');
    char host[256];
    if (!colon || (size_t)(colon - addr) >= sizeof host) {
        return -1;
    }
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    return find_node(r, host, atoi(colon + 1));
}

/* A node's connection is gone: its context freed (never reused), the map to be read again. */
static void drop_node(nw_redis *r, node *n)
{
    if (n->c) {
        redisFree(n->c);
        n->c = NULL;
        nw_metric_add(r->m_errors, 1);
    }
    n->nowed = 0;
    r->mapped = 0;
}

static int command_ok(redisReply *rep, const node *n, nw_err *err, const char *what)
{
    int ok = rep && rep->type != REDIS_REPLY_ERROR;
    if (!ok) {
        nw_err_set(err, NW_E_RETRY, "redis", "%s on %s: %s", what, n->addr,
                   rep ? rep->str : (n->c ? n->c->errstr : "no connection"));
    }
    if (rep) {
        freeReplyObject(rep);
    }
    return ok;
}

static int load_scripts(nw_redis *r, node *n, nw_err *err)
{
    for (int i = 0; i < r->nscripts; i++) {
        redisReply *rep = redisCommand(n->c, "SCRIPT LOAD %s", r->scripts[i]);
        if (!rep || rep->type != REDIS_REPLY_STRING) {
            command_ok(rep, n, err, "SCRIPT LOAD");
            return NW_E_RETRY;
        }
        snprintf(r->shas[i], sizeof r->shas[i], "%s", rep->str);
        freeReplyObject(rep);
    }
    return NW_OK;
}

static int connect_node(nw_redis *r, node *n, nw_err *err)
{
    if (n->c) {
        return NW_OK;
    }
    struct timeval tv = {r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000};
    n->c = redisConnectWithTimeout(n->host, n->port, tv);
    if (!n->c || n->c->err) {
        nw_err_set(err, NW_E_RETRY, "redis", "cannot connect to %s: %s", n->addr,
                   n->c ? n->c->errstr : "out of memory");
        drop_node(r, n);
        return NW_E_RETRY;
    }
    redisSetTimeout(n->c, tv);
    int ok = 1;
    if (r->url.password[0]) { /* every node: an ACL user is per node, so is its password */
        redisReply *rep = r->url.user[0]
                              ? redisCommand(n->c, "AUTH %s %s", r->url.user, r->url.password)
                              : redisCommand(n->c, "AUTH %s", r->url.password);
        ok = command_ok(rep, n, err, "AUTH");
    }
    if (ok && r->url.db && !r->cluster) {
        ok = command_ok(redisCommand(n->c, "SELECT %d", r->url.db), n, err, "SELECT");
    }
    if (!ok || load_scripts(r, n, err) != NW_OK) {
        drop_node(r, n);
        return NW_E_RETRY;
    }
    nw_log(NW_LOG_INFO, "redis_connected", "addr=%s db=%d", n->addr, r->url.db);
    return NW_OK;
}

/* ---- the map ---- */

static int add_master(nw_redis *r, int idx)
{
    for (size_t i = 0; i < r->nmasters; i++) {
        if (r->masters[i] == idx) {
            return NW_OK;
        }
    }
    if (nw_array_reserve((void **)&r->masters, &r->master_cap, r->nmasters + 1,
                         sizeof *r->masters) != NW_OK) {
        return NW_E_NOMEM;
    }
    r->masters[r->nmasters++] = idx;
    return NW_OK;
}

/* One server, not a cluster: every slot is its. Its replica count bounds WAIT. */
static int map_single(nw_redis *r, int idx)
{
    node *n = &r->nodes[idx];
    r->cluster = 0;
    r->nmasters = 0;
    for (unsigned s = 0; s < NW_REDIS_SLOTS; s++) {
        r->slot_node[s] = (uint16_t)(idx + 1);
    }
    n->replicas = -1;
    if (r->wait_replicas > 0) {
        redisReply *rep = redisCommand(n->c, "INFO replication");
        const char *k =
            rep && rep->type == REDIS_REPLY_STRING ? strstr(rep->str, "connected_slaves:") : NULL;
        n->replicas = k ? atoi(k + 17) : -1;
        if (rep) {
            freeReplyObject(rep);
        }
    }
    return add_master(r, idx);
}

/* CLUSTER SLOTS: [start, end, [host, port, id], replicas...] per range. */
static int map_cluster(nw_redis *r, const redisReply *rep, int asked)
{
    memset(r->slot_node, 0, sizeof r->slot_node);
    r->nmasters = 0;
    r->cluster = 1;
    for (size_t i = 0; i < rep->elements; i++) {
        const redisReply *e = rep->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
            e->element[2]->type != REDIS_REPLY_ARRAY || e->element[2]->elements < 2) {
            continue;
        }
        const redisReply *m = e->element[2];
        /* an empty host: the node we asked ("unknown endpoint" in Redis 7); copied, as adding
         * a node may move the node array */
        char host[256];
        snprintf(host, sizeof host, "%s",
                 m->element[0]->str && m->element[0]->str[0] ? m->element[0]->str
                                                             : r->nodes[asked].host);
        int idx = find_node(r, host, (int)m->element[1]->integer);
        if (idx < 0 || add_master(r, idx) != NW_OK) {
            return NW_E_NOMEM;
        }
        r->nodes[idx].replicas = (int)e->elements - 3;
        long long lo = e->element[0]->integer, hi = e->element[1]->integer;
        for (long long s = lo < 0 ? 0 : lo; s <= hi && s < NW_REDIS_SLOTS; s++) {
            r->slot_node[s] = (uint16_t)(idx + 1);
        }
    }
    return NW_OK;
}

/* A cluster map read for the first time, or different from the one before: which node serves
 * how many slots is worth a line (a failover, a resharding). */
static void log_map_change(const nw_redis *r, const uint16_t *before)
{
    unsigned changed = 0;
    for (unsigned s = 0; s < NW_REDIS_SLOTS; s++) {
        changed += before[s] != r->slot_node[s];
    }
    if (!changed) {
        return;
    }
    char masters[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < r->nmasters && len + 300 < sizeof masters; i++) {
        unsigned slots = 0;
        for (unsigned s = 0; s < NW_REDIS_SLOTS; s++) {
            slots += r->slot_node[s] == r->masters[i] + 1;
        }
        len += (size_t)snprintf(masters + len, sizeof masters - len, "%s%s/%u", i ? "," : "",
                                r->nodes[r->masters[i]].addr, slots);
    }
    nw_log(NW_LOG_INFO, "redis_cluster_map", "masters=%zu slots_changed=%u slots=%s", r->nmasters,
           changed, masters);
}

/* Reads the map from the first node that answers: the masters known, then the seeds. */
static int refresh_map(nw_redis *r, nw_err *err)
{
    size_t known = r->nmasters;
    int tries[64];
    size_t ntries = 0;
    for (size_t i = 0; i < known && ntries < 48; i++) {
        tries[ntries++] = r->masters[i];
    }
    for (int i = 0; i < r->url.nseeds; i++) {
        int idx = find_node(r, r->url.seeds[i].host, r->url.seeds[i].port);
        if (idx >= 0) {
            tries[ntries++] = idx;
        }
    }
    nw_err_set(err, NW_E_RETRY, "redis", "no Redis node to ask");
    for (size_t t = 0; t < ntries; t++) {
        node *n = &r->nodes[tries[t]];
        if (connect_node(r, n, err) != NW_OK) {
            continue;
        }
        redisReply *rep = redisCommand(n->c, "CLUSTER SLOTS");
        if (!rep) {
            nw_err_set(err, NW_E_RETRY, "redis", "CLUSTER SLOTS on %s: %s", n->addr, n->c->errstr);
            drop_node(r, n);
            continue;
        }
        int rc;
        if (rep->type == REDIS_REPLY_ARRAY && rep->elements > 0) {
            memcpy(r->slot_before, r->slot_node, sizeof r->slot_before);
            rc = map_cluster(r, rep, tries[t]);
            log_map_change(r, r->slot_before);
        } else if (rep->type == REDIS_REPLY_ERROR) {
            /* not a cluster ("cluster support disabled"), or not allowed to ask: one server
             * (a cluster's MOVED replies still teach the map slot by slot) */
            rc = map_single(r, tries[t]);
        } else { /* a cluster node that has no slots yet */
            nw_err_set(err, NW_E_RETRY, "redis", "%s: the cluster has no slots assigned", n->addr);
            freeReplyObject(rep);
            continue;
        }
        freeReplyObject(rep);
        if (rc != NW_OK) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        r->mapped = 1;
        return NW_OK;
    }
    return NW_E_RETRY;
}

int nw_redis_connect(nw_redis *r, nw_err *err)
{
    if (!r->mapped && refresh_map(r, err) != NW_OK) {
        return NW_E_RETRY;
    }
    for (size_t i = 0; i < r->nmasters; i++) {
        if (connect_node(r, &r->nodes[r->masters[i]], err) != NW_OK) {
            return NW_E_RETRY;
        }
    }
    return NW_OK;
}

/* ---- a round ---- */

/* "<kind><v>\r\n" at p; returns the end. */
static char *put_len(char *p, char kind, size_t v)
{
    *p++ = kind;
    p += nw_decimal(p, v);
    *p++ = '\r';
    *p++ = '\n';
    return p;
}

/* Appends a command in RESP to b (lens NULL: the arguments are strings). NW_OK or
 * NW_E_NOMEM. */
static int encode(nw_buf *b, int argc, const char **argv, const size_t *lens)
{
    size_t need = 24;
    for (int i = 0; i < argc; i++) {
        need += (lens ? lens[i] : strlen(argv[i])) + 24;
    }
    if (nw_buf_reserve(b, need) != NW_OK) {
        return NW_E_NOMEM;
    }
    char *p = put_len(b->data + b->len, '*', (size_t)argc);
    for (int i = 0; i < argc; i++) {
        size_t l = lens ? lens[i] : strlen(argv[i]);
        p = put_len(p, '$', l);
        memcpy(p, argv[i], l);
        p += l;
        *p++ = '\r';
        *p++ = '\n';
    }
    *p = '\0';
    b->len = (size_t)(p - b->data);
    return NW_OK;
}

/* The command in RESP, once (a resend after a redirection sends the same bytes). Which of its
 * arguments is the key is worked out only on a cluster (key_of). */
static long queue(nw_redis *r, int argc, const char **argv, const size_t *lens, int master)
{
    if (r->state != ROUND_OPEN) {
        reset_round(r);
    }
    size_t off = r->out.len;
    if (nw_array_reserve((void **)&r->q, &r->qcap, r->nq + 1, sizeof *r->q) != NW_OK ||
        encode(&r->out, argc, argv, lens) != NW_OK) {
        r->lost = 1;
        return NW_E_NOMEM;
    }
    cmd *c = &r->q[r->nq++];
    c->off = off;
    c->len = r->out.len - c->off;
    c->slot = master < 0 ? -2 : -1;
    c->master = master;
    c->ask = -1;
    c->done = 0;
    c->rep = NULL;
    return (long)(r->nq - 1);
}

/* A queued command's slot, from its RESP bytes: its name and first arguments are enough to
 * say which is the key (nw_redis_key_arg); -1 for a command without one. */
static int slot_of(const nw_redis *r, const cmd *c)
{
    enum { HEAD = 4 };
    const char *p = r->out.data + c->off, *end = p + c->len;
    const char *argv[HEAD];
    size_t lens[HEAD];
    int argc = (int)strtol(p + 1, NULL, 10), n = 0;
    p = memchr(p, '\n', (size_t)(end - p)) + 1;
    for (; n < argc && n < HEAD && p < end; n++) {
        char *after;
        lens[n] = (size_t)strtoul(p + 1, &after, 10);
        argv[n] = after + 2;
        p = argv[n] + lens[n] + 2;
    }
    /* the key is argv[1], or argv[3] of EVAL/EVALSHA: within the head; a count argument
     * (EVALSHA's numkeys) is short, so its bytes compare as written */
    int k = nw_redis_key_arg(argc, argv, lens);
    return k < 0 || k >= n ? -1 : (int)nw_redis_slot(argv[k], lens[k]);
}

long nw_redis_append(nw_redis *r, int argc, const char **argv, const size_t *lens)
{
    return queue(r, argc, argv, lens, -1);
}

int nw_redis_masters(nw_redis *r)
{
    return (int)r->nmasters;
}

int nw_redis_single(const nw_redis *r)
{
    return !r->cluster;
}

long nw_redis_append_to(nw_redis *r, int master, int argc, const char **argv, const size_t *lens)
{
    return queue(r, argc, argv, lens, master < 0 ? 0 : master);
}

long nw_redis_append_evalsha(nw_redis *r, int script, int nkeys, int argc, const char **argv,
                             const size_t *lens)
{
    enum { MAX_ARGS = 64 };
    const char *av[MAX_ARGS];
    size_t al[MAX_ARGS];
    char nk[16];
    if (argc + 3 > MAX_ARGS) {
        return NW_E_FATAL;
    }
    snprintf(nk, sizeof nk, "%d", nkeys);
    av[0] = "EVALSHA";
    al[0] = 7;
    av[1] = r->shas[script];
    al[1] = strlen(r->shas[script]);
    av[2] = nk;
    al[2] = strlen(nk);
    for (int i = 0; i < argc; i++) {
        av[3 + i] = argv[i];
        al[3 + i] = lens ? lens[i] : strlen(argv[i]);
    }
    return nw_redis_append(r, argc + 3, av, al);
}

/* The node a command goes to this send, or -1 when the map has none for it. */
static int target(const nw_redis *r, cmd *c)
{
    if (c->ask >= 0) {
        return c->ask;
    }
    if (c->master >= 0) {
        return (size_t)c->master < r->nmasters ? r->masters[c->master] : -1;
    }
    if (c->slot == -1 || !r->cluster) { /* one server: every slot is its */
        return r->nmasters ? r->masters[0] : -1;
    }
    if (c->slot == -2) {
        c->slot = slot_of(r, c);
        if (c->slot < 0) {
            return r->nmasters ? r->masters[0] : -1;
        }
    }
    return (int)r->slot_node[c->slot] - 1;
}

static int owe(node *n, int what)
{
    if (nw_array_reserve((void **)&n->owed, &n->owed_cap, n->nowed + 1, sizeof *n->owed) != NW_OK) {
        return NW_E_NOMEM;
    }
    n->owed[n->nowed++] = what;
    return NW_OK;
}

/* How many replicas a WAIT after this node's share asks for: redis.wait_replicas, but no more
 * than the map says the node has (a master whose replica died would wait out every round). */
static int wait_for(const nw_redis *r, const node *n)
{
    return n->replicas < 0 || n->replicas > r->wait_replicas ? r->wait_replicas : n->replicas;
}

/* Every command not answered yet goes into its node's share (nothing is written yet). Every
 * node is connected first: a node that cannot be reached leaves no share half filled. */
static int place(nw_redis *r, nw_err *err)
{
    for (size_t i = 0; i < r->nnodes; i++) {
        r->nodes[i].nowed = 0;
        nw_buf_reset(&r->nodes[i].share);
    }
    for (size_t i = 0; i < r->nq; i++) {
        int to = r->q[i].done ? 0 : target(r, &r->q[i]);
        if (to < 0) {
            r->mapped = 0;
            return nw_err_set(err, NW_E_RETRY, "redis",
                              "no node serves slot %d (the map has a gap)", r->q[i].slot);
        }
        if (!r->q[i].done && connect_node(r, &r->nodes[to], err) != NW_OK) {
            return NW_E_RETRY;
        }
    }
    for (size_t i = 0; i < r->nq; i++) {
        cmd *c = &r->q[i];
        if (c->done) {
            continue;
        }
        node *n = &r->nodes[target(r, c)];
        if (c->ask >= 0) {
            if (nw_buf_append(&n->share, "*1\r\n$6\r\nASKING\r\n", 16) != NW_OK ||
                owe(n, OWED_ASKING) != NW_OK) {
                return nw_err_set(err, NW_E_RETRY, "nomem", "out of memory");
            }
        }
        if (nw_buf_append(&n->share, r->out.data + c->off, c->len) != NW_OK ||
            owe(n, (int)i) != NW_OK) {
            return nw_err_set(err, NW_E_RETRY, "nomem", "out of memory");
        }
    }
    if (r->wait_replicas <= 0) {
        return NW_OK;
    }
    for (size_t i = 0; i < r->nnodes; i++) {
        node *n = &r->nodes[i];
        int k = wait_for(r, n);
        if (n->nowed && k > 0) {
            char replicas[16], ms[16];
            snprintf(replicas, sizeof replicas, "%d", k);
            snprintf(ms, sizeof ms, "%d", r->wait_timeout_ms);
            if (encode(&n->share, 3, (const char *[]){"WAIT", replicas, ms}, NULL) != NW_OK ||
                owe(n, OWED_WAIT) != NW_OK) {
                return nw_err_set(err, NW_E_RETRY, "nomem", "out of memory");
            }
        }
    }
    return NW_OK;
}

/* What a node's refusal asks for. */
enum { TAKE, RESEND, BACK_OFF, RELOAD };

static int refusal(nw_redis *r, cmd *c, const redisReply *rep)
{
    if (rep->type != REDIS_REPLY_ERROR) {
        return TAKE;
    }
    const char *s = rep->str;
    if (!strncmp(s, "MOVED ", 6) || !strncmp(s, "ASK ", 4)) {
        int ask = s[0] == 'A';
        const char *slot = strchr(s, ' ') + 1, *addr = strchr(slot, ' ');
        int idx = addr ? find_node_addr(r, addr + 1) : -1;
        if (idx < 0) {
            return TAKE;
        }
        if (ask) {
            c->ask = idx;
            nw_metric_add(r->m_ask, 1);
        } else {
            long sl = strtol(slot, NULL, 10);
            if (sl >= 0 && sl < NW_REDIS_SLOTS) {
                r->slot_node[sl] = (uint16_t)(idx + 1);
            }
            r->cluster = 1;
            r->remap = 1; /* slots move in bulk: learn the rest at once, not one by one */
            nw_metric_add(r->m_moved, 1);
        }
        nw_log(NW_LOG_DEBUG, "redis_redirect", "kind=%s slot=%ld to=%s", ask ? "ask" : "moved",
               strtol(slot, NULL, 10), r->nodes[idx].addr);
        return RESEND;
    }
    if (!strncmp(s, "TRYAGAIN", 8) || !strncmp(s, "CLUSTERDOWN", 11) || !strncmp(s, "LOADING", 7) ||
        !strncmp(s, "MASTERDOWN", 10)) {
        nw_metric_add(r->m_retry, 1);
        return BACK_OFF;
    }
    /* the server lost its script cache (restart, SCRIPT FLUSH, a promoted replica) */
    return !strncmp(s, "NOSCRIPT", 8) ? RELOAD : TAKE;
}

/* ---- a round's replies ----
 * hiredis builds a reply with a calloc per object and a malloc per string: a bucket read
 * answers tens of members, and those allocations and their frees were 15% of cluster's
 * instructions (callgrind, 3,000 Reuters articles). A round's replies are built in the
 * client's arena instead, with hiredis's reply layout, and live until the next round, as
 * borrowed replies always did (nw_redis_at); nw_redis_reply and nw_redis_take hand over a
 * malloc'd copy that freeReplyObject frees. Only a round's reads use these functions: a
 * context's own commands (AUTH, SCRIPT LOAD, CLUSTER SLOTS) keep hiredis's. */
static redisReply *reply_new(const redisReadTask *task, int type)
{
    nw_redis *r = task->privdata;
    redisReply *rep = nw_arena_alloc_raw(&r->replies, sizeof *rep);
    if (rep) {
        *rep = (redisReply){.type = type}; /* (stores, not a memset call: half a million) */
        if (task->parent) {
            ((redisReply *)task->parent->obj)->element[task->idx] = rep;
        }
    }
    return rep;
}

static void *reply_string(const redisReadTask *task, char *str, size_t len)
{
    redisReply *rep = reply_new(task, task->type);
    char *copy = rep ? nw_arena_alloc_raw(&((nw_redis *)task->privdata)->replies, len + 1) : NULL;
    if (!copy) {
        return NULL;
    }
    memcpy(copy, str, len);
    copy[len] = '\0';
    rep->str = copy;
    rep->len = len;
    return rep;
}

static void *reply_array(const redisReadTask *task, int elements)
{
    redisReply *rep = reply_new(task, REDIS_REPLY_ARRAY);
    if (!rep || elements <= 0) {
        return rep; /* (an empty array: no elements to make room for) */
    }
    rep->elements = (size_t)elements;
    rep->element = nw_arena_alloc(&((nw_redis *)task->privdata)->replies,
                                  (size_t)elements * sizeof *rep->element);
    return rep->element ? rep : NULL;
}

static void *reply_integer(const redisReadTask *task, long long value)
{
    redisReply *rep = reply_new(task, REDIS_REPLY_INTEGER);
    if (rep) {
        rep->integer = value;
    }
    return rep;
}

static void *reply_nil(const redisReadTask *task)
{
    return reply_new(task, REDIS_REPLY_NIL);
}

static void reply_free(void *rep)
{
    (void)rep; /* the arena's: gone with the round */
}

static redisReplyObjectFunctions round_replies = {reply_string, reply_array, reply_integer,
                                                  reply_nil, reply_free};

/* A malloc'd copy of a round's reply, as hiredis would have built it; NULL when out of
 * memory. */
static redisReply *copy_reply(const redisReply *from)
{
    redisReply *to = calloc(1, sizeof *to);
    if (!to) {
        return NULL;
    }
    to->type = from->type;
    to->integer = from->integer;
    to->len = from->len;
    if (from->str && !(to->str = malloc(from->len + 1))) {
        freeReplyObject(to);
        return NULL;
    }
    if (to->str) {
        memcpy(to->str, from->str, from->len + 1);
    }
    if (from->elements && !(to->element = calloc(from->elements, sizeof *to->element))) {
        freeReplyObject(to);
        return NULL;
    }
    to->elements = from->elements;
    for (size_t i = 0; i < from->elements; i++) {
        if (!(to->element[i] = copy_reply(from->element[i]))) {
            freeReplyObject(to);
            return NULL;
        }
    }
    return to;
}

/* Writes a node's share to its socket as it is (blocking, within the client's timeout), not
 * through hiredis's output buffer: that one grew by doubling from empty on every send, and the
 * copy and its reallocations were 2% of cluster's instructions (callgrind). hiredis reads the
 * replies; its own buffer stays empty, so it writes nothing of its own. */
static int write_share(node *n, nw_err *err)
{
    for (size_t at = 0; at < n->share.len;) {
        ssize_t w = send(n->c->fd, n->share.data + at, n->share.len - at, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            int timed_out = w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
            return nw_err_set(err, NW_E_RETRY, "redis", "redis %s: %s", n->addr,
                              timed_out ? "write timed out" : strerror(w < 0 ? errno : EPIPE));
        }
        at += (size_t)w;
    }
    return NW_OK;
}

/* Writes every node's share, then reads each node's replies: one round trip for all. */
static int exchange(nw_redis *r, int *again, int *back_off, nw_err *err)
{
    for (size_t i = 0; i < r->nnodes; i++) {
        node *n = &r->nodes[i];
        if (n->nowed && write_share(n, err) != NW_OK) {
            drop_node(r, n);
            return NW_E_RETRY;
        }
    }
    for (size_t i = 0; i < r->nnodes; i++) {
        node *n = &r->nodes[i];
        int reload = 0;
        redisReplyObjectFunctions *own = n->c ? n->c->reader->fn : NULL;
        if (n->nowed) {
            n->c->reader->fn = &round_replies;
            n->c->reader->privdata = r;
        }
        for (size_t k = 0; k < n->nowed; k++) {
            void *v = NULL;
            if (redisGetReply(n->c, &v) != REDIS_OK || !v) {
                nw_err_set(err, NW_E_RETRY, "redis", "redis %s: %s", n->addr,
                           n->c->errstr[0] ? n->c->errstr : "no reply");
                drop_node(r, n);
                return NW_E_RETRY;
            }
            redisReply *rep = v;
            int what = n->owed[k];
            if (what == OWED_WAIT) {
                if (rep->type != REDIS_REPLY_INTEGER || rep->integer < wait_for(r, n)) {
                    nw_metric_add(r->m_wait_short, 1);
                }
                continue;
            }
            if (what == OWED_ASKING) {
                continue;
            }
            cmd *c = &r->q[what];
            c->ask = -1;
            int how = refusal(r, c, rep);
            n = &r->nodes[i]; /* a MOVED or ASK to a new node may have moved the array */
            if (how == TAKE) {
                c->rep = rep;
                c->done = 1;
                continue;
            }
            *again = 1;
            *back_off |= how == BACK_OFF;
            reload |= how == RELOAD;
        }
        n->nowed = 0;
        if (n->c) {
            n->c->reader->fn = own;
        }
        if (reload && load_scripts(r, n, err) != NW_OK) {
            drop_node(r, n);
            return NW_E_RETRY;
        }
    }
    return NW_OK;
}

/* A failed send leaves replies owed on other nodes' connections: those are dropped. */
static void drop_owing(nw_redis *r)
{
    for (size_t i = 0; i < r->nnodes; i++) {
        if (r->nodes[i].nowed) {
            drop_node(r, &r->nodes[i]);
        }
    }
}

static int send_round(nw_redis *r, nw_err *err)
{
    if (r->remap) { /* not within a round: a node behind on the move could undo the MOVED */
        r->mapped = 0;
        r->remap = 0;
    }
    for (int send = 0; send < MAX_SENDS; send++) {
        int again = 0, back_off = 0;
        if ((!r->mapped && refresh_map(r, err) != NW_OK) || place(r, err) != NW_OK ||
            exchange(r, &again, &back_off, err) != NW_OK) {
            drop_owing(r);
            return NW_E_RETRY;
        }
        if (!again) {
            return NW_OK;
        }
        if (back_off) {
            int ms = send < 6 ? 20 << send : 1000;
            struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
            r->mapped = 0; /* CLUSTERDOWN during a failover: the map changes under it */
        }
    }
    return nw_err_set(err, NW_E_RETRY, "redis",
                      "Redis Cluster kept redirecting or refusing commands over %d sends",
                      MAX_SENDS);
}

int nw_redis_exec(nw_redis *r, nw_err *err)
{
    if (r->state == ROUND_OPEN) {
        nw_err_clear(&r->fail);
        r->state = r->lost ? ROUND_FAILED : ROUND_READ;
        if (r->lost) { /* a ticket would name no reply: the round is not sent */
            nw_err_set(&r->fail, NW_E_RETRY, "nomem", "out of memory queuing a Redis command");
        } else if (send_round(r, &r->fail) != NW_OK) {
            r->state = ROUND_FAILED;
        }
        r->first_error = -1;
        for (size_t i = 0; r->state == ROUND_READ && i < r->nq; i++) {
            if (r->q[i].rep->type == REDIS_REPLY_ERROR) {
                nw_metric_add(r->m_errors, 1); /* error replies count, not only lost nodes */
                r->first_error = r->first_error < 0 ? (long)i : r->first_error;
            }
        }
    }
    if (r->state == ROUND_FAILED) {
        return nw_err_set(err, NW_E_RETRY, r->fail.reason ? r->fail.reason : "redis", "%s",
                          r->fail.detail);
    }
    return NW_OK;
}

const redisReply *nw_redis_at(const nw_redis *r, long ticket)
{
    return r->state == ROUND_READ && ticket >= 0 && (size_t)ticket < r->nq ? r->q[ticket].rep
                                                                           : NULL;
}

redisReply *nw_redis_take(nw_redis *r, long ticket)
{
    const redisReply *rep = nw_redis_at(r, ticket);
    return rep ? copy_reply(rep) : NULL;
}

const char *nw_redis_round_error(const nw_redis *r)
{
    const redisReply *bad = r->first_error < 0 ? NULL : nw_redis_at(r, r->first_error);
    return bad ? bad->str : NULL;
}

int nw_redis_exec_all(nw_redis *r, const char *what, nw_err *err)
{
    int rc = nw_redis_exec(r, err);
    const char *bad = rc == NW_OK ? nw_redis_round_error(r) : NULL;
    return bad ? nw_err_set(err, NW_E_RETRY, "redis", "%s: %s", what, bad) : rc;
}

int nw_redis_reply(nw_redis *r, redisReply **reply, nw_err *err)
{
    if (nw_redis_exec(r, err) != NW_OK) {
        return NW_E_RETRY;
    }
    if (r->next >= r->nq || !r->q[r->next].rep) {
        return nw_err_set(err, NW_E_RETRY, "redis", "a reply read past the end of its round");
    }
    *reply = copy_reply(r->q[r->next++].rep);
    return *reply ? NW_OK : nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
}

long long nw_redis_reply_int(const redisReply *r)
{
    if (r->type == REDIS_REPLY_INTEGER) {
        return r->integer;
    }
    return r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
}

const char *nw_redis_script_sha(const nw_redis *r, int script)
{
    return r->shas[script];
}

int nw_redis_ping(nw_redis *r)
{
    nw_err err;
    nw_err_clear(&err);
    int ok = nw_redis_connect(r, &err) == NW_OK;
    for (size_t i = 0; ok && i < r->nmasters; i++) {
        node *n = &r->nodes[r->masters[i]];
        redisReply *rep = redisCommand(n->c, "PING");
        ok = rep && rep->type == REDIS_REPLY_STATUS;
        if (!ok) {
            nw_err_set(&err, NW_E_RETRY, "redis", "PING %s: %s", n->addr,
                       rep ? rep->str : n->c->errstr);
        }
        if (rep) {
            freeReplyObject(rep);
        } else {
            drop_node(r, n);
        }
    }
    if (!ok) {
        if (!r->unreachable) { /* once per outage: the reason, not a line a second */
            char addr[300];
            nw_log(NW_LOG_WARN, "redis_unreachable", "addr=%s detail=%s",
                   nw_redis_url_addr(&r->url, addr, sizeof addr), nw_logq(err.detail));
        }
        r->unreachable = 1;
        return 0;
    }
    if (r->unreachable) {
        char addr[300];
        nw_log(NW_LOG_INFO, "redis_reachable", "addr=%s",
               nw_redis_url_addr(&r->url, addr, sizeof addr));
        r->unreachable = 0;
    }
    return 1;
}

void nw_redis_observe_roundtrip(double seconds)
{
    static nw_metric *m;
    if (!m) {
        m = nw_histogram("nearwire_redis_roundtrip_seconds",
                         "Time of one pipelined Redis round trip, seconds.", NULL);
    }
    nw_metric_observe(m, seconds);
}
