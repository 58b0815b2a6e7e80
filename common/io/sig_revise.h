/* sig_revise.h - revisions of stored records that a batch's articles change: a new earlier
 * match (perhaps a better original) or an older story. Intents are collected per target,
 * the targets read in one round trip, the rules of match/decide.h applied, and each changed
 * record written back by compare-and-set; a target whose record moved meanwhile is re-read
 * and revised again, a few rounds. A target still being decided is "poked" (its counter
 * bumped) so that its owner decides again and sees the reviser. Not thread-safe. */
#ifndef NW_SIG_REVISE_H
#define NW_SIG_REVISE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/nw_err.h"
#include "../match/decide.h"
#include "../match/sig_record.h"
#include "redis_client.h"

typedef struct nw_revise nw_revise;

/* 'r' and 'match' are borrowed; cas_script is the store's compare-and-set script. */
nw_revise *nw_revise_new(nw_redis *r, const char *prefix, int cas_script,
                         const nw_match_params *match, unsigned max_matches);
void nw_revise_free(nw_revise *v);

void nw_revise_begin(nw_revise *v);
/* The article 'target' has a related article before it: 'm' (with its scores and relation).
 * 'cause' is the caller's index of the document that found it. */
int nw_revise_add_match(nw_revise *v, const char *target, size_t cause, const nw_candidate *m);
/* The article 'target' now belongs to 'story' (kept if its current story is older). */
int nw_revise_add_story(nw_revise *v, const char *target, size_t cause, const char *story,
                        int64_t story_order_ms);
/* Applies every intent. skip(arg, id) says which targets the caller decides itself. */
int nw_revise_apply(nw_revise *v, int (*skip)(void *, const char *), void *arg, nw_err *err);

/* After apply: the records written (decided ones, as now stored), with their cause. */
size_t nw_revise_count(const nw_revise *v);
const nw_sig_record *nw_revise_result(const nw_revise *v, size_t i, size_t *cause);
/* Pokes made in the last apply (records still being decided elsewhere). */
size_t nw_revise_pokes(const nw_revise *v);

/* The compare-and-set script: KEYS[1] = record, ARGV[1] = expected bytes, ARGV[2] = new
 * bytes; 1 written, 0 the record changed, -1 it is gone. */
extern const char nw_revise_cas_lua[];

#endif
