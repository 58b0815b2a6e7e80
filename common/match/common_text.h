/* common_text.h - text many articles share is not evidence that two of them are related.
 * Site footers, notices built on one template ("X said it filed a registration statement with
 * the Securities and Exchange Commission for a proposed offering of N shares") and paragraphs
 * inserted into many articles would otherwise chain unrelated short articles into one story.
 * So the store counts, over the window, how many articles that were not duplicates contain
 * each shingle of a short text (a copy adds nothing: a wire story republished by a hundred
 * sites stays rare text, while a template used by a hundred different notices becomes common),
 * in a counting sketch: each shingle's 32-bit anchor key (exact_set.h) adds one to a counter
 * of a large array, never below the truth and above it only by the keys that share the
 * counter (on average counted shingles / counters: 1.2 for 10 million in 8 Mi counters, far
 * below a useful 'after'). A shingle counted 'after' times or more is common; a pair whose
 * shared text is (nearly) all common is not related, neither story nor duplicate. Pure. */
#ifndef NW_COMMON_TEXT_H
#define NW_COMMON_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Counters per sketch key, one byte each: a Redis string whose header and bytes fill one
 * 64 KiB allocation (a string of 64 KiB itself would take an 80 KiB one). */
#define NW_COMMON_PER_KEY 65472u

/* The counter a shingle's anchor key adds to, below 2^slots_log2 (16 to 32); counter c lives in
 * sketch key c / NW_COMMON_PER_KEY at byte c % NW_COMMON_PER_KEY. */
uint32_t nw_common_slot(uint32_t key, unsigned slots_log2);

/* Whether the text two short texts share is common only: a's exact set with its common values
 * marked (a_common[i] != 0), b's exact set (its own counts are not known here). The shared
 * values that are not common, over the smaller of the two sets' uncommon parts (b's counted as
 * its values less the common ones it shares with a), must reach 'least' (the story
 * threshold) for the pair to count. When nothing shared is common, or either text is common
 * through and through (a notice resent word for word), the discount does not apply: 0. */
int nw_common_only(const uint16_t *a, const uint8_t *a_common, size_t na, const uint16_t *b,
                   size_t nb, double least);

#endif
