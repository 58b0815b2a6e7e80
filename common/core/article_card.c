/* article_card.c - the card written with the document model's helpers, read field by field. */
#include "article_card.h"

#include <string.h>

/* The longest prefix of at most max bytes that ends on a character boundary. */
static size_t utf8_cut(const char *text, size_t len, size_t max)
{
    if (len <= max) {
        return len;
    }
    size_t n = max;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) {
        n--;
    }
    return n;
}

void nw_card_write(yajl_gen g, const nw_doc *doc, const char *text, size_t len, size_t max_text)
{
    static const char *const fields[] = {"title", "source", "url", "published_at", "lang", NULL};
    size_t keep = utf8_cut(text, len, max_text);
    yajl_gen_map_open(g);
    nw_json_str(g, "id", doc->id);
    for (int i = 0; fields[i]; i++) {
        nw_json_str(g, fields[i], nw_doc_str(doc, fields[i]));
    }
    nw_json_strn(g, "text", text, keep);
    nw_json_int(g, "text_bytes", (long long)len);
    nw_json_bool(g, "cut", keep < len);
    yajl_gen_map_close(g);
}

static const char *str_of(yajl_val root, const char *key)
{
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(root, path, yajl_t_string);
    return v ? v->u.string : NULL;
}

int nw_card_read(yajl_val root, nw_card *c)
{
    memset(c, 0, sizeof *c);
    if (!root || !YAJL_IS_OBJECT(root)) {
        return -1;
    }
    c->id = str_of(root, "id");
    c->text = str_of(root, "text");
    if (!c->id || !c->text) {
        return -1;
    }
    c->text_len = strlen(c->text);
    c->title = str_of(root, "title");
    c->source = str_of(root, "source");
    c->url = str_of(root, "url");
    c->published_at = str_of(root, "published_at");
    c->lang = str_of(root, "lang");
    const char *bytes[] = {"text_bytes", NULL}, *cut[] = {"cut", NULL};
    yajl_val b = yajl_tree_get(root, bytes, yajl_t_number);
    c->text_bytes = b && YAJL_IS_INTEGER(b) ? YAJL_GET_INTEGER(b) : (long long)c->text_len;
    c->cut = yajl_tree_get(root, cut, yajl_t_true) != NULL;
    return 0;
}
