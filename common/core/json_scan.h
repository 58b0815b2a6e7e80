/* json_scan.h - a linear pre-scan of JSON text before yajl builds a tree of it, for what a
 * tree cannot take: nesting deeper than the tree walks and yajl_gen (128 levels at most) can
 * go, an escaped NUL (\u0000, which would cut every C string it is in) and a UTF-16
 * surrogate escape without its pair (no UTF-8 for it). One pass, no allocation, no
 * recursion; syntax is left to yajl. Pure. */
#ifndef NW_JSON_SCAN_H
#define NW_JSON_SCAN_H

#include <stddef.h>

#include "nw_err.h"

/* Input nesting allowed: room below yajl_gen's 128 for what the stages wrap around it. */
#define NW_JSON_MAX_DEPTH 64

/* NW_OK, or NW_E_INPUT with err->reason too_complex (nested deeper than max_depth),
 * invalid_json (an escaped NUL) or invalid_utf8 (a lone surrogate), and the byte offset. */
int nw_json_scan(const char *text, size_t len, unsigned max_depth, nw_err *err);

/* The same scan; *balanced is 1 when every bracket outside strings is closed in order, no
 * string is left open and nothing follows the top value (a cheap structural check of text
 * we wrote), else 0. */
int nw_json_scan_balance(const char *text, size_t len, unsigned max_depth, int *balanced,
                         nw_err *err);

#endif
