/* story_json.c - the story summary's members, in one order for every writer. */
#include "story_json.h"

#include "../core/doc.h"

static void fields(yajl_gen g, const nw_story_view *v, const char *story_id, int full)
{
    if (full) {
        nw_json_str(g, "story_id", story_id);
    }
    nw_json_int(g, "size", v->size);
    nw_json_key(g, "sources");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < v->nsources; i++) {
        nw_json_str(g, NULL, v->sources[i]);
    }
    yajl_gen_array_close(g);
    nw_json_str(g, "first_seen", v->first_seen);
    nw_json_str(g, "first_id", v->first_id);
    nw_json_str(g, "headline", v->headline);
    if (full) {
        nw_json_str(g, "agency", v->agency);
        nw_json_str(g, "last_seen", v->last_seen);
        nw_json_str(g, "last_id", v->last_id);
        nw_json_key(g, "merged_from");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < v->nmerged; i++) {
            nw_json_str(g, NULL, v->merged[i]);
        }
        yajl_gen_array_close(g);
    }
}

void nw_story_json_write(yajl_gen g, const nw_story_view *v, const char *story_id, int full)
{
    yajl_gen_map_open(g);
    fields(g, v, story_id, full);
    yajl_gen_map_close(g);
}

void nw_story_json_fields(yajl_gen g, const nw_story_view *v, const char *story_id)
{
    fields(g, v, story_id, 1);
}
