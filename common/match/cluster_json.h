/* cluster_json.h - the "cluster" object of news.clustered, rendered from a decided store
 * record: the one writer of that part of the message, for first decisions, replays and
 * revisions alike. Pure (writes into a yajl generator). */
#ifndef NW_CLUSTER_JSON_H
#define NW_CLUSTER_JSON_H

#include <yajl/yajl_gen.h>

#include "sig_record.h"

/* Writes the object (the caller has written its key, if any). r must be decided. conflict:
 * the id came again with other content (adds "conflict": true). */
void nw_cluster_json_write(yajl_gen g, const nw_sig_record *r, int conflict);

#endif
