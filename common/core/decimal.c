/* decimal.c - digits written from the last, then moved to the front. */
#include "decimal.h"

#include <string.h>

size_t nw_decimal(char *out, uint64_t v)
{
    char tmp[NW_DECIMAL_MAX], *p = tmp + sizeof tmp;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    size_t n = (size_t)(tmp + sizeof tmp - p);
    memcpy(out, p, n);
    return n;
}
