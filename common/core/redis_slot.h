/* redis_slot.h - where Redis Cluster keeps a key: the CRC16 (XMODEM) of the key, or of its hash
 * tag (the part between the first '{' and the next '}' when not empty), modulo 16384; and which
 * argument of a command is its key. Pure. */
#ifndef NW_REDIS_SLOT_H
#define NW_REDIS_SLOT_H

#include <stddef.h>

#define NW_REDIS_SLOTS 16384

/* The key's slot, 0..16383. */
unsigned nw_redis_slot(const char *key, size_t len);

/* The argument that decides where a command runs: argv[1] for the single-key commands the
 * stores send, the first key of EVAL/EVALSHA; -1 for a command without a key (PING, INFO,
 * DBSIZE, WAIT, SCRIPT), which any node may answer. */
int nw_redis_key_arg(int argc, const char *const *argv, const size_t *lens);

#endif
