/* redis_url.c - a Redis URL read part by part, left to right. */
#include "redis_url.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nw_error.h"
#include "secrets.h"

/* digits s[0..n) as a number up to max, or -1 */
static long digits(const char *s, size_t n, long max)
{
    long v = 0;
    if (n == 0 || n > 10) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v <= max ? v : -1;
}

/* One host[:port] at *p, moved past it. */
static int parse_host(const char **pp, nw_redis_seed *h, const char *url, nw_err *err)
{
    char masked[512];
    const char *p = *pp;
    h->port = 6379;
    size_t hl;
    int bracket = *p == '[';
    if (bracket) { /* an IPv6 literal */
        const char *close = strchr(p, ']');
        if (!close) {
            return nw_err_set(err, NW_E_FATAL, "config",
                              "redis.url \"%s\": an IPv6 address in [ ] has no closing ]",
                              nw_mask_url(masked, sizeof masked, url));
        }
        hl = (size_t)(close - p - 1);
        p++;
    } else {
        hl = strcspn(p, ":/,");
    }
    if (hl == 0 || hl >= sizeof h->host) {
        return nw_err_set(err, NW_E_FATAL, "config", "redis.url \"%s\" has an empty host",
                          nw_mask_url(masked, sizeof masked, url));
    }
    memcpy(h->host, p, hl);
    p += hl + (size_t)bracket; /* past the ']' */
    if (*p == ':') {
        size_t n = strcspn(p + 1, "/,");
        long port = digits(p + 1, n, 65535);
        if (port <= 0) {
            return nw_err_set(err, NW_E_FATAL, "config",
                              "redis.url \"%s\": the port must be a number 1..65535",
                              nw_mask_url(masked, sizeof masked, url));
        }
        h->port = (int)port;
        p += 1 + n;
    }
    *pp = p;
    return NW_OK;
}

int nw_redis_url_parse(const char *url, nw_redis_url *u, nw_err *err)
{
    char masked[512];
    memset(u, 0, sizeof *u);
    u->port = 6379;
    if (strncasecmp(url, "redis://", 8) != 0) { /* a scheme is case-insensitive */
        return nw_err_set(err, NW_E_FATAL, "config", "redis.url \"%s\" must start with redis://",
                          nw_mask_url(masked, sizeof masked, url));
    }
    const char *p = url + 8;
    const char *at = strrchr(p, '@'); /* the last: a password may hold '@' */
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        size_t ul = colon ? (size_t)(colon - p) : 0;
        const char *pw = colon ? colon + 1 : p;
        size_t pl = (size_t)(at - pw);
        if (ul >= sizeof u->user || pl >= sizeof u->password) {
            return nw_err_set(err, NW_E_FATAL, "config",
                              "redis.url has a user or password too long");
        }
        memcpy(u->user, p, ul);
        memcpy(u->password, pw, pl);
        p = at + 1;
    }
    do {
        if (u->nseeds == NW_REDIS_MAX_SEEDS) {
            return nw_err_set(err, NW_E_FATAL, "config", "redis.url names more than %d hosts",
                              NW_REDIS_MAX_SEEDS);
        }
        p += *p == ',';
        int rc = parse_host(&p, &u->seeds[u->nseeds++], url, err);
        if (rc != NW_OK) {
            return rc;
        }
    } while (*p == ',');
    snprintf(u->host, sizeof u->host, "%s", u->seeds[0].host);
    u->port = u->seeds[0].port;
    if (*p == '/' && p[1]) {
        long db = digits(p + 1, strlen(p + 1), 1000000);
        if (db < 0) {
            return nw_err_set(err, NW_E_FATAL, "config",
                              "redis.url \"%s\": the database after / must be a number",
                              nw_mask_url(masked, sizeof masked, url));
        }
        u->db = (int)db;
    } else if (*p && strcmp(p, "/") != 0) {
        return nw_err_set(err, NW_E_FATAL, "config",
                          "redis.url \"%s\": unexpected \"%s\" after the host",
                          nw_mask_url(masked, sizeof masked, url), p);
    }
    return NW_OK;
}

const char *nw_redis_host_addr(const char *host, int port, char *dst, size_t cap)
{
    int v6 = strchr(host, ':') != NULL;
    snprintf(dst, cap, "%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "", port);
    return dst;
}

const char *nw_redis_url_addr(const nw_redis_url *u, char *dst, size_t cap)
{
    return nw_redis_host_addr(u->host, u->port, dst, cap);
}
