/* decimal.h - unsigned integers as decimal digits, without snprintf: its format parsing was a
 * tenth of cluster's time where Redis arguments, key names and JSON scores are written by the
 * thousand per batch. Pure. */
#ifndef NW_DECIMAL_H
#define NW_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#define NW_DECIMAL_MAX 20 /* digits of the largest uint64_t */

/* Writes v's digits to out (room for NW_DECIMAL_MAX; no NUL); returns how many. */
size_t nw_decimal(char *out, uint64_t v);

#endif
