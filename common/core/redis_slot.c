/* redis_slot.c - the CRC16 of the Redis Cluster specification, bit by bit (keys are short). */
#include "redis_slot.h"

#include <string.h>

static unsigned crc16(const char *s, size_t n)
{
    unsigned crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (unsigned)(unsigned char)s[i] << 8;
        for (int b = 0; b < 8; b++) {
            crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
        }
    }
    return crc & 0xffff;
}

unsigned nw_redis_slot(const char *key, size_t len)
{
    for (size_t open = 0; open < len; open++) {
        if (key[open] != '{') {
            continue;
        }
        for (size_t close = open + 1; close < len; close++) {
            if (key[close] == '}') {
                if (close > open + 1) { /* "{}" is no tag: the whole key counts */
                    return crc16(key + open + 1, close - open - 1) % NW_REDIS_SLOTS;
                }
                break;
            }
        }
        break; /* only the first '{' can open a tag */
    }
    return crc16(key, len) % NW_REDIS_SLOTS;
}

static int named(const char *arg, size_t len, const char *name)
{
    size_t i = 0;
    for (; i < len && name[i]; i++) {
        if ((arg[i] | 0x20) != (name[i] | 0x20)) {
            return 0;
        }
    }
    return i == len && !name[i];
}

int nw_redis_key_arg(int argc, const char *const *argv, const size_t *lens)
{
    static const char *const keyless[] = {"PING",   "INFO",     "DBSIZE", "WAIT",
                                          "SCRIPT", "CLUSTER",  "ASKING", "AUTH",
                                          "SELECT", "READONLY", "MEMORY", NULL};
    if (argc < 2) {
        return -1;
    }
    size_t l0 = lens ? lens[0] : strlen(argv[0]);
    for (int i = 0; keyless[i]; i++) {
        if (named(argv[0], l0, keyless[i])) {
            return -1;
        }
    }
    if (named(argv[0], l0, "EVALSHA") || named(argv[0], l0, "EVAL")) {
        return argc > 3 && !(argv[2][0] == '0' && (lens ? lens[2] : strlen(argv[2])) == 1) ? 3 : -1;
    }
    return 1;
}
