/* cluster_json.c - story_id, dup_of, relation and scores of the best earlier match, the ranked
 * matches, merged stories, first_seen, ordered_at and the revision counter. */
#include "cluster_json.h"

#include "../core/doc.h"
#include "../core/timefmt.h"

static void bytes(yajl_gen g, const char *key, nw_bytes b)
{
    nw_json_strn(g, key, b.p ? b.p : "", b.len);
}

void nw_cluster_json_write(yajl_gen g, const nw_sig_record *r, int conflict)
{
    const nw_rec_match *best = r->nmatches ? &r->matches[0] : NULL;
    char ts[32];
    yajl_gen_map_open(g);
    bytes(g, "story_id", r->story);
    if (best && best->relation == NW_REL_DUPLICATE) {
        bytes(g, "dup_of", best->id);
    } else {
        nw_json_str(g, "dup_of", NULL);
    }
    nw_json_str(g, "relation", best ? nw_relation_name(best->relation) : "new");
    nw_json_dbl(g, "jaccard", best ? best->jaccard : 0);
    nw_json_dbl(g, "containment", best ? best->containment : 0);
    nw_json_key(g, "matches");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < r->nmatches; i++) {
        const nw_rec_match *m = &r->matches[i];
        yajl_gen_map_open(g);
        bytes(g, "id", m->id);
        nw_json_dbl(g, "jaccard", m->jaccard);
        nw_json_dbl(g, "containment", m->containment);
        nw_json_str(g, "relation", nw_relation_name(m->relation));
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    nw_json_key(g, "merged_from");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < r->nmerged; i++) {
        bytes(g, NULL, r->merged[i]);
    }
    yajl_gen_array_close(g);
    nw_time_format_ms(r->first_seen_ms, ts, sizeof ts);
    nw_json_str(g, "first_seen", ts);
    nw_time_format_ms(r->order_ms, ts, sizeof ts);
    nw_json_str(g, "ordered_at", ts);
    nw_json_int(g, "revision", r->revision);
    if (conflict) {
        nw_json_bool(g, "conflict", 1);
    }
    yajl_gen_map_close(g);
}
