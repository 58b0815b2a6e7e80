/* json_tree.h - JSON text to a yajl_val tree, built from yajl's parse callbacks with arrays
 * and objects that grow by doubling. yajl_tree_parse grows them one element at a time with
 * realloc: quadratic wherever realloc copies (sanitizers, most allocators but glibc's mremap;
 * a 1 MB array of strings took over 20 s under ASan). The tree is the one yajl_tree makes:
 * free it with yajl_tree_free. Nesting is not limited here: callers pre-scan (json_scan.h)
 * so that yajl_tree_free's recursion stays shallow. Comments are not JSON and are refused. */
#ifndef NW_JSON_TREE_H
#define NW_JSON_TREE_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "nw_err.h"

/* The tree, or NULL with err: invalid_json (yajl's words) or nomem. */
yajl_val nw_json_tree(const char *text, size_t len, nw_err *err);

#endif
