/* secrets.h - what must never reach a log line, an error message or --print-config: the
 * password part of any URL (any scheme, any case: redis://, rediss://, REDIS://, with or
 * without a user, passwords with ':' or '@' in them), and the value of every setting whose
 * name says it holds a secret (passwords, tokens, JAAS configs, key PEMs, OAuth configs). One
 * function each, used everywhere. Pure. */
#ifndef NW_SECRETS_H
#define NW_SECRETS_H

#include <stddef.h>

/* 1 when a setting of this name holds a secret (librdkafka's and ours). */
int nw_secret_name(const char *name);

/* url with its password replaced by three stars (the user, if any, is kept), into dst; a
 * string without a scheme and an '@' is copied as it is. Returns dst. */
const char *nw_mask_url(char *dst, size_t cap, const char *url);

#endif
