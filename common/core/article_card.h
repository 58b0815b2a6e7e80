/* article_card.h - the one codec of an article's card (io/article_store.h): a JSON object
 *   {"id", "title", "source", "url", "published_at", "lang", "text", "text_bytes", "cut"}
 * text is the cleaned text, cut at a UTF-8 boundary to a byte limit (cut: true then), and
 * text_bytes its whole length. Absent fields are null. Pure. */
#ifndef NW_ARTICLE_CARD_H
#define NW_ARTICLE_CARD_H

#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "doc.h"

typedef struct nw_card {
    const char *id, *title, *source, *url, *published_at, *lang, *text;
    size_t text_len; /* of text as stored */
    long long text_bytes;
    int cut;
} nw_card;

/* Writes the card of a document whose cleaned text is text[0 .. len), keeping at most
 * max_text bytes of it. */
void nw_card_write(yajl_gen g, const nw_doc *doc, const char *text, size_t len, size_t max_text);

/* Reads a parsed card; strings borrow from root. 0, or -1 when it is not a card. */
int nw_card_read(yajl_val root, nw_card *c);

#endif
