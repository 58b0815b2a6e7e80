/* redis_url.h - redis://[[user]:password@]host[:port][,host[:port]...][/db] read into its
 * parts. More than one host names seed nodes of a Redis Cluster (any one that answers gives the
 * whole map). A host may be a name, an IPv4 literal or an IPv6 literal in brackets
 * (redis://[::1]:6379). Errors name the part that is wrong and never show the password. Pure. */
#ifndef NW_REDIS_URL_H
#define NW_REDIS_URL_H

#include <stddef.h>

#include "nw_err.h"

#define NW_REDIS_MAX_SEEDS 16

typedef struct nw_redis_seed {
    char host[256]; /* without the brackets of an IPv6 literal */
    int port;       /* 6379 when absent */
} nw_redis_seed;

typedef struct nw_redis_url {
    char host[256]; /* the first seed's */
    int port;
    nw_redis_seed seeds[NW_REDIS_MAX_SEEDS];
    int nseeds;
    char user[128];
    char password[256];
    int db; /* 0 when absent */
} nw_redis_url;

/* NW_OK, or NW_E_FATAL with err->reason "config" and what is wrong. */
int nw_redis_url_parse(const char *url, nw_redis_url *u, nw_err *err);

/* host:port as a person writes it: "[::1]:6379" for IPv6, into dst; returns dst. */
const char *nw_redis_url_addr(const nw_redis_url *u, char *dst, size_t cap);
const char *nw_redis_host_addr(const char *host, int port, char *dst, size_t cap);

#endif
