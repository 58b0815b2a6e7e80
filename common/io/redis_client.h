/* redis_client.h - a hiredis connection that heals itself: built from a redis:// URL, with
 * connect and command timeouts; after any I/O error the context is freed and a new one is
 * made on the next call (a dead context is never reused). Commands go out pipelined: append
 * any number, then read the replies in order. Scripts are loaded once per connection and
 * re-loaded on NOSCRIPT. Every failure is NW_E_RETRY with the reason in err. */
#ifndef NW_REDIS_CLIENT_H
#define NW_REDIS_CLIENT_H

#include <hiredis.h>
#include <stddef.h>

#include "../core/nw_err.h"

#define NW_REDIS_MAX_SCRIPTS 4

typedef struct nw_redis nw_redis;

/* Parses the URL (redis://[[user]:password@]host[:port][/db]); connects lazily. NULL on a bad
 * URL (err says why) or out of memory. Caller frees with nw_redis_free(). */
nw_redis *nw_redis_new(const char *url, int timeout_ms, nw_err *err);
void nw_redis_free(nw_redis *r);

/* Registers a Lua script; returns its index for nw_redis_append_evalsha(). */
int nw_redis_add_script(nw_redis *r, const char *lua);

/* Ensures a live connection with scripts loaded. */
int nw_redis_connect(nw_redis *r, nw_err *err);

/* Pipelining. Appends never fail for I/O (they buffer); nw_redis_reply() returns each reply in
 * order (caller frees with freeReplyObject), or NW_E_RETRY after which the pipeline is dead:
 * the caller must stop reading and retry the whole operation. */
int nw_redis_append(nw_redis *r, int argc, const char **argv, const size_t *lens);
int nw_redis_append_evalsha(nw_redis *r, int script, int nkeys, int argc, const char **argv,
                            const size_t *lens);
int nw_redis_reply(nw_redis *r, redisReply **reply, nw_err *err);

/* The SHA1 of a registered script, for building a long EVALSHA with nw_redis_append (valid
 * once connected). */
const char *nw_redis_script_sha(const nw_redis *r, int script);

/* A reply's number: an integer reply, or a string of digits (GET, HMGET); 0 otherwise (nil). */
long long nw_redis_reply_int(const redisReply *r);

/* PING; 1 when the server answers. */
int nw_redis_ping(nw_redis *r);

/* Seconds of the last round trip observations go to nearwire_redis_roundtrip_seconds. */
void nw_redis_observe_roundtrip(double seconds);

#endif
