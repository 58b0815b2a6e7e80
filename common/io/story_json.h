/* story_json.h - the one codec of a story summary: the news.stories record, the "story" of an
 * enriched article (its short form) and the API's story views. */
#ifndef NW_STORY_JSON_H
#define NW_STORY_JSON_H

#include <yajl/yajl_gen.h>

#include "story_store.h"

/* Writes the summary as an object. full: with story_id, agency, last_seen, last_id and
 * merged_from; else size, sources, first_seen, first_id and headline only. */
void nw_story_json_write(yajl_gen g, const nw_story_view *v, const char *story_id, int full);

/* The same members into a map the caller has open (the full form). */
void nw_story_json_fields(yajl_gen g, const nw_story_view *v, const char *story_id);

#endif
