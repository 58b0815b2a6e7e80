/* boilerplate.h - paragraph-level rules that recognise site debris in news pages and scraped
 * text: archive notices, donation and subscription appeals, photo credits and captions,
 * "Click here" lines, slideshow markers, read-time and timestamp lines, CSS class lists,
 * share/related blocks, bylines and short fragments. Pure. */
#ifndef NW_BOILERPLATE_H
#define NW_BOILERPLATE_H

#include <stddef.h>

/* Reasons, in report order. NW_BP_NONE means "article text". */
typedef enum nw_bp_reason {
    NW_BP_NONE = 0,
    NW_BP_TITLE,
    NW_BP_ARCHIVE_NOTICE,
    NW_BP_APPEAL,
    NW_BP_CLICK_HERE,
    NW_BP_SLIDESHOW,
    NW_BP_PHOTO_CREDIT,
    NW_BP_READ_TIME,
    NW_BP_TIMESTAMP,
    NW_BP_RELATED,
    NW_BP_SHARE,
    NW_BP_CSS_CLASSES,
    NW_BP_BYLINE,
    NW_BP_LINK_DENSE,
    NW_BP_SHORT,
    NW_BP_PRUNED_CONTAINER,
    NW_BP_OUTSIDE_MAIN,
    NW_BP_NOT_IN_ARTICLE_BODY,
    NW_BP_REPEATED,    /* a line its site puts on many articles (repeated.h), set by the stage */
    NW_BP_COMMENTS,    /* reader comments: after a "Comments" heading or prompt (clean.c) */
    NW_BP_SITE_NOTICE, /* the site talking about itself: cookie and JavaScript notices, an
                          "Advertisement" label, error messages, poll results */
    NW_BP_COUNT
} nw_bp_reason;

const char *nw_bp_reason_name(nw_bp_reason r);

typedef struct nw_bp_input {
    const char *text; /* whitespace-normalised paragraph, borrowed */
    size_t len;
    size_t link_chars;
    int heading;
    int bullet;
} nw_bp_input;

/* Classifies one paragraph. 'scratch' must hold len+1 bytes (a lowercase copy is made there,
 * so classification allocates nothing). */
nw_bp_reason nw_bp_classify(const nw_bp_input *in, char *scratch);

/* Counts words (runs of non-space bytes). */
size_t nw_bp_word_count(const char *s, size_t n);

#endif
