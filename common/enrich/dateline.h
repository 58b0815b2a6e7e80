/* dateline.h - the dateline and originating wire agency of a news text: "TEHRAN, Iran (AP) -",
 * "TEHRAN (Reuters) -", "BAGHDAD --", "TEHRAN, Iran —"; failing a dateline, credits in the
 * text such as "told The Associated Press" or "(AFP)". Pure; results point into static names
 * or are copied into caller storage. */
#ifndef NW_DATELINE_H
#define NW_DATELINE_H

#include <stddef.h>

#define NW_DATELINE_MAX 96

typedef struct nw_dateline {
    char place[NW_DATELINE_MAX]; /* "TEHRAN, Iran"; empty when there is no dateline */
    const char *agency;          /* "AP", "Reuters", "AFP", ... or NULL */
} nw_dateline;

void nw_dateline_parse(const char *text, size_t n, nw_dateline *out);

/* Words in a text (runs of non-space bytes). */
size_t nw_word_count(const char *text, size_t n);

#endif
