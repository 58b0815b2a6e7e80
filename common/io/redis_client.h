/* redis_client.h - the one Redis layer every store uses: a pipeline over one redis-server or a
 * Redis Cluster, built from a redis:// URL, with connect and command timeouts.
 *
 * A round: append any number of commands, then read their replies in order. The first read
 * sends the whole round at once; on a cluster each command goes to the master of its key's
 * slot, every node's share is written before any reply is read (three masters cost one round
 * trip, not three), and the replies are put back in the order the commands were appended.
 * MOVED refreshes the slot map and resends, ASK resends once to the importing node behind
 * ASKING, TRYAGAIN, CLUSTERDOWN and LOADING back off and resend (a refused command did not
 * run, so resending it is safe). A node that fails (I/O error, timeout) has its connection
 * freed and the map refreshed before the next round: a dead context is never reused, and a
 * promoted replica is found after a failover. Scripts are loaded on every node it connects
 * to and again on NOSCRIPT. Every failure is NW_E_RETRY with the reason in err: the caller
 * retries the whole operation. */
#ifndef NW_REDIS_CLIENT_H
#define NW_REDIS_CLIENT_H

#include <hiredis.h>
#include <stddef.h>

#include "../core/nw_err.h"

#define NW_REDIS_MAX_SCRIPTS 4

typedef struct nw_redis nw_redis;

/* Parses the URL (redis://[[user]:password@]host[:port][,host[:port]...][/db]); connects
 * lazily. More than one host: seed nodes of a cluster, any one of which gives the map (a
 * single host may be a cluster node too: the server says which it is). NULL on a bad URL
 * (err says why) or out of memory. Caller frees with nw_redis_free(). */
nw_redis *nw_redis_new(const char *url, int timeout_ms, nw_err *err);
void nw_redis_free(nw_redis *r);

/* After every node's share of a round, WAIT until `replicas` replicas (at most as many as the
 * node has) acknowledged its writes or timeout_ms passed: a master killed after answering
 * then cannot take acknowledged writes with it. 0 (the default) does not wait. */
void nw_redis_set_wait(nw_redis *r, int replicas, int timeout_ms);

/* Registers a Lua script; returns its index for nw_redis_append_evalsha(). */
int nw_redis_add_script(nw_redis *r, const char *lua);

/* Ensures the map is known and every master connected, with scripts loaded. */
int nw_redis_connect(nw_redis *r, nw_err *err);

/* Pipelining. Appends never fail for I/O (they buffer); each returns the command's ticket, its
 * place in the round (negative: out of memory). Appending after the round was sent starts a
 * new round (replies not taken are freed). Replies come back one of two ways:
 *   - in order: nw_redis_reply() hands over a copy of the next (caller frees with
 *     freeReplyObject), for a reader that walks its commands as it sent them;
 *   - by ticket: nw_redis_exec() sends the round, then nw_redis_at() reads the reply a ticket
 *     names (borrowed until the next round: a round's replies live in the client's arena;
 *     nw_redis_take() copies one to keep it longer) and
 *     nw_redis_round_error() says whether any was an error reply, for a reader that keeps the
 *     tickets of the replies it needs.
 * Either returns NW_E_RETRY when the round failed: the caller retries the whole operation.
 * A round is what was appended since the last one was sent: exec without appending first
 * answers for the last round again. */
long nw_redis_append(nw_redis *r, int argc, const char **argv, const size_t *lens);
/* argv: the keys, then the arguments, 61 in all at most (else NW_E_FATAL, nothing sent) */
long nw_redis_append_evalsha(nw_redis *r, int script, int nkeys, int argc, const char **argv,
                             const size_t *lens);
int nw_redis_reply(nw_redis *r, redisReply **reply, nw_err *err);
int nw_redis_exec(nw_redis *r, nw_err *err);
const redisReply *nw_redis_at(const nw_redis *r, long ticket);
redisReply *nw_redis_take(nw_redis *r, long ticket); /* a copy, the caller's to free */
const char *nw_redis_round_error(const nw_redis *r); /* the first error reply's text, or NULL */
/* nw_redis_exec for a round whose every command must succeed: an error reply fails it too, as
 * NW_E_RETRY with "WHAT: the reply" in err. */
int nw_redis_exec_all(nw_redis *r, const char *what, nw_err *err);

/* A command for one master (0 .. nw_redis_masters()-1) whatever its key: what a whole-server
 * figure (INFO, DBSIZE) needs summed over the cluster. */
int nw_redis_masters(nw_redis *r);
long nw_redis_append_to(nw_redis *r, int master, int argc, const char **argv, const size_t *lens);

/* 1 when connected to one server that is not a cluster node: a command may name keys of any
 * slots (MGET of many keys). 0 on a cluster, which refuses keys of more than one slot. */
int nw_redis_single(const nw_redis *r);

/* The SHA1 of a registered script, for building a long EVALSHA with nw_redis_append (valid
 * once connected). */
const char *nw_redis_script_sha(const nw_redis *r, int script);

/* A reply's number: an integer reply, or a string of digits (GET, HMGET); 0 otherwise (nil). */
long long nw_redis_reply_int(const redisReply *r);

/* PING every master; 1 when all answer. */
int nw_redis_ping(nw_redis *r);

/* Seconds of the last round trip observations go to nearwire_redis_roundtrip_seconds. */
void nw_redis_observe_roundtrip(double seconds);

#endif
