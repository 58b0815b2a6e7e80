/* redis_client.c - URL parsing, lazy (re)connection, AUTH/SELECT, script loading. */
#include "redis_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "../core/nw_error.h"
#include "../core/redis_url.h"
#include "log.h"
#include "metrics.h"

struct nw_redis {
    nw_redis_url url;
    char addr[280]; /* host:port for messages */
    int timeout_ms;
    redisContext *c;
    const char *scripts[NW_REDIS_MAX_SCRIPTS];
    char shas[NW_REDIS_MAX_SCRIPTS][48];
    int nscripts;
    /* replies appended but not read yet; a round left with some unread (its caller stopped at
     * an error reply) would hand its stale answers to the next round: the connection is
     * dropped instead (one error reply once desynchronised a stage until restart) */
    size_t pending;
    int reading;     /* replies of the current round are being read */
    int unreachable; /* the last ping failed (logged once per outage) */
    nw_metric *m_errors;
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
    nw_redis_url_addr(&r->url, r->addr, sizeof r->addr);
    r->timeout_ms = timeout_ms;
    r->m_errors = nw_counter("nearwire_redis_errors_total",
                             "Redis error replies and failed connections.", NULL);
    return r;
}

void nw_redis_free(nw_redis *r)
{
    if (!r) {
        return;
    }
    if (r->c) {
        redisFree(r->c);
    }
    free(r);
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

static void drop(nw_redis *r)
{
    if (r->c) {
        redisFree(r->c);
        r->c = NULL;
    }
    r->pending = 0;
    r->reading = 0;
    nw_metric_add(r->m_errors, 1);
}

/* Drops a connection that still owes replies to an abandoned round: 1 if it did. */
static int drop_if_desynchronised(nw_redis *r)
{
    if (!r->c || !r->pending || !r->reading) {
        return 0;
    }
    nw_log(NW_LOG_WARN, "redis_resync",
           "unread=%zu detail=\"a round stopped reading at an error; reconnecting\"", r->pending);
    drop(r);
    return 1;
}

static int command_ok(nw_redis *r, redisReply *rep, nw_err *err, const char *what)
{
    int ok = rep && rep->type != REDIS_REPLY_ERROR;
    if (!ok) {
        nw_err_set(err, NW_E_RETRY, "redis", "%s: %s", what,
                   rep ? rep->str : (r->c ? r->c->errstr : "no connection"));
    }
    if (rep) {
        freeReplyObject(rep);
    }
    return ok;
}

static int load_scripts(nw_redis *r, nw_err *err)
{
    for (int i = 0; i < r->nscripts; i++) {
        redisReply *rep = redisCommand(r->c, "SCRIPT LOAD %s", r->scripts[i]);
        if (!rep || rep->type != REDIS_REPLY_STRING) {
            command_ok(r, rep, err, "SCRIPT LOAD");
            return NW_E_RETRY;
        }
        snprintf(r->shas[i], sizeof r->shas[i], "%s", rep->str);
        freeReplyObject(rep);
    }
    return NW_OK;
}

int nw_redis_connect(nw_redis *r, nw_err *err)
{
    drop_if_desynchronised(r);
    if (r->c) {
        return NW_OK;
    }
    struct timeval tv = {r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000};
    r->c = redisConnectWithTimeout(r->url.host, r->url.port, tv);
    if (!r->c || r->c->err) {
        nw_err_set(err, NW_E_RETRY, "redis", "cannot connect to %s: %s", r->addr,
                   r->c ? r->c->errstr : "out of memory");
        drop(r);
        return NW_E_RETRY;
    }
    redisSetTimeout(r->c, tv);
    int ok = 1;
    if (r->url.password[0]) {
        redisReply *rep = r->url.user[0]
                              ? redisCommand(r->c, "AUTH %s %s", r->url.user, r->url.password)
                              : redisCommand(r->c, "AUTH %s", r->url.password);
        ok = command_ok(r, rep, err, "AUTH");
    }
    if (ok && r->url.db) {
        ok = command_ok(r, redisCommand(r->c, "SELECT %d", r->url.db), err, "SELECT");
    }
    if (!ok || load_scripts(r, err) != NW_OK) {
        drop(r);
        return NW_E_RETRY;
    }
    nw_log(NW_LOG_INFO, "redis_connected", "addr=%s db=%d", r->addr, r->url.db);
    return NW_OK;
}

int nw_redis_append(nw_redis *r, int argc, const char **argv, const size_t *lens)
{
    if (drop_if_desynchronised(r) || !r->c) {
        return NW_E_RETRY; /* the round's replies will fail too: the caller retries */
    }
    if (redisAppendCommandArgv(r->c, argc, argv, lens) != REDIS_OK) {
        return NW_E_RETRY;
    }
    r->pending++;
    r->reading = 0;
    return NW_OK;
}

int nw_redis_append_evalsha(nw_redis *r, int script, int nkeys, int argc, const char **argv,
                            const size_t *lens)
{
    const char *av[16];
    size_t al[16];
    char nk[16];
    if (argc + 3 > 16) {
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
        al[3 + i] = lens[i];
    }
    return nw_redis_append(r, argc + 3, av, al);
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

int nw_redis_reply(nw_redis *r, redisReply **reply, nw_err *err)
{
    void *rep = NULL;
    if (!r->c || redisGetReply(r->c, &rep) != REDIS_OK || !rep) {
        nw_err_set(err, NW_E_RETRY, "redis", "redis %s: %s", r->addr,
                   r->c ? r->c->errstr : "not connected");
        drop(r);
        return NW_E_RETRY;
    }
    redisReply *rr = rep;
    r->reading = 1;
    if (r->pending) {
        r->pending--;
    }
    if (rr->type == REDIS_REPLY_ERROR) {
        nw_metric_add(r->m_errors, 1); /* error replies count, not only broken connections */
    }
    if (rr->type == REDIS_REPLY_ERROR && strncmp(rr->str, "NOSCRIPT", 8) == 0) {
        /* the server lost its script cache (restart, SCRIPT FLUSH): reconnect reloads them */
        nw_err_set(err, NW_E_RETRY, "redis", "%s", rr->str);
        freeReplyObject(rr);
        drop(r);
        return NW_E_RETRY;
    }
    *reply = rr;
    return NW_OK;
}

int nw_redis_ping(nw_redis *r)
{
    nw_err err;
    nw_err_clear(&err);
    if (nw_redis_connect(r, &err) != NW_OK) {
        if (!r->unreachable) { /* once per outage: the reason, not a line a second */
            nw_log(NW_LOG_WARN, "redis_unreachable", "addr=%s detail=%s", r->addr,
                   nw_logq(err.detail));
        }
        r->unreachable = 1;
        return 0;
    }
    if (r->unreachable) {
        nw_log(NW_LOG_INFO, "redis_reachable", "addr=%s", r->addr);
        r->unreachable = 0;
    }
    redisReply *rep = redisCommand(r->c, "PING");
    int ok = rep && rep->type == REDIS_REPLY_STATUS;
    if (rep) {
        freeReplyObject(rep);
    } else {
        drop(r);
    }
    return ok;
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
