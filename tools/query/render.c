/* render.c - nearwire-query's tables: the API's JSON answers as aligned text for a terminal.
 * Long values are cut to the column; --json prints the answers as they came instead. */
#include "render.h"

#include <stdio.h>
#include <string.h>

static yajl_val get(yajl_val v, const char *key)
{
    const char *path[] = {key, NULL};
    return v ? yajl_tree_get(v, path, yajl_t_any) : NULL;
}

static const char *str(yajl_val v, const char *key)
{
    yajl_val x = get(v, key);
    return x && YAJL_IS_STRING(x) ? x->u.string : "-";
}

static double num(yajl_val v, const char *key)
{
    yajl_val x = get(v, key);
    return x && YAJL_IS_NUMBER(x) ? YAJL_GET_DOUBLE(x) : 0;
}

static yajl_val arr(yajl_val v, const char *key)
{
    yajl_val x = get(v, key);
    return x && YAJL_IS_ARRAY(x) ? x : NULL;
}

/* At most width characters (not bytes: UTF-8 continuation bytes are not counted), one line. */
static void cell(FILE *out, const char *s, int width)
{
    int shown = 0;
    for (const char *p = s; *p && shown < width; p++) {
        char c = *p == '\n' || *p == '\t' ? ' ' : *p;
        fputc(c, out);
        shown += ((unsigned char)c & 0xC0) != 0x80;
    }
    for (; shown < width; shown++) {
        fputc(' ', out);
    }
}

static void line(FILE *out, const char *label, const char *value)
{
    fprintf(out, "%-12s %s\n", label, value);
}

static void article_row(FILE *out, yajl_val m)
{
    yajl_val c = get(m, "cluster");
    cell(out, str(c, "ordered_at"), 25);
    cell(out, str(c, "relation"), 10);
    cell(out, str(m, "source"), 22);
    cell(out, str(m, "id"), 28);
    cell(out, str(m, "title"), 60);
    fputc('\n', out);
}

void render_article(FILE *out, yajl_val a)
{
    yajl_val c = get(a, "cluster");
    line(out, "id", str(a, "id"));
    line(out, "title", str(a, "title"));
    line(out, "source", str(a, "source"));
    line(out, "published", str(a, "published_at"));
    line(out, "story", str(c, "story_id"));
    line(out, "relation", str(c, "relation"));
    line(out, "dup_of", str(c, "dup_of"));
    fprintf(out, "%-12s %.4f / %.4f (Jaccard / containment)\n", "scores", num(c, "jaccard"),
            num(c, "containment"));
    yajl_val ms = arr(c, "matches");
    for (size_t i = 0; ms && i < ms->u.array.len; i++) {
        yajl_val m = ms->u.array.values[i];
        fprintf(out, "%-12s %-10s %.4f / %.4f %s\n", i ? "" : "matches", str(m, "relation"),
                num(m, "jaccard"), num(m, "containment"), str(m, "id"));
    }
}

static void list(FILE *out, const char *label, yajl_val a)
{
    fprintf(out, "%-12s", label);
    for (size_t i = 0; a && i < a->u.array.len; i++) {
        yajl_val x = a->u.array.values[i];
        fprintf(out, "%s%s", i ? ", " : " ", YAJL_IS_STRING(x) ? x->u.string : "?");
    }
    fputc('\n', out);
}

void render_story(FILE *out, yajl_val s)
{
    line(out, "story", str(s, "story_id"));
    line(out, "headline", str(s, "headline"));
    line(out, "agency", str(s, "agency"));
    fprintf(out, "%-12s %.0f\n", "size", num(s, "size"));
    list(out, "sources", arr(s, "sources"));
    line(out, "first", str(s, "first_seen"));
    line(out, "last", str(s, "last_seen"));
    list(out, "merged_from", arr(s, "merged_from"));
    yajl_val ms = arr(s, "members");
    size_t n = ms ? ms->u.array.len : 0;
    fprintf(out, "\nmembers %.0f-%.0f of %.0f, in publication order:\n", num(s, "offset") + (n > 0),
            num(s, "offset") + (double)n, num(s, "members_total"));
    fprintf(out, "%-25s%-10s%-22s%-28s%s\n", "ORDERED_AT", "RELATION", "SOURCE", "ID", "TITLE");
    for (size_t i = 0; i < n; i++) {
        article_row(out, ms->u.array.values[i]);
    }
}

void render_stories(FILE *out, yajl_val s)
{
    yajl_val st = arr(s, "stories");
    fprintf(out, "stories active since %s, most recent first:\n", str(s, "since"));
    fprintf(out, "%-25s%-6s%-8s%-28s%s\n", "ACTIVE_AT", "SIZE", "SOURCES", "STORY", "HEADLINE");
    for (size_t i = 0; st && i < st->u.array.len; i++) {
        yajl_val x = st->u.array.values[i];
        yajl_val src = arr(x, "sources");
        cell(out, str(x, "active_at"), 25);
        fprintf(out, "%-6.0f%-8zu", num(x, "size"), src ? src->u.array.len : 0);
        cell(out, str(x, "story_id"), 28);
        cell(out, str(x, "headline"), 60);
        fputc('\n', out);
    }
}

void render_match(FILE *out, yajl_val m)
{
    line(out, "relation", str(m, "relation"));
    line(out, "dup_of", str(m, "dup_of"));
    line(out, "story", str(m, "story_id"));
    fprintf(out, "%-12s %.0f\n", "shingles", num(m, "shingles"));
    yajl_val ms = arr(m, "matches");
    fprintf(out, "\n%-10s%-8s%-8s%-8s%-28s%s\n", "RELATION", "JACC", "CONT", "BEFORE", "ID",
            "SOURCE");
    for (size_t i = 0; ms && i < ms->u.array.len; i++) {
        yajl_val x = ms->u.array.values[i];
        yajl_val e = get(x, "earlier");
        cell(out, str(x, "relation"), 10);
        fprintf(out, "%-8.4f%-8.4f%-8s", num(x, "jaccard"), num(x, "containment"),
                e && YAJL_IS_TRUE(e) ? "yes" : "no");
        cell(out, str(x, "id"), 28);
        cell(out, str(x, "source"), 30);
        fputc('\n', out);
    }
}

void render_explain(FILE *out, yajl_val e)
{
    yajl_val a = get(e, "a"), b = get(e, "b"), sh = get(e, "shingles");
    fprintf(out, "a: %s (%s)\nb: %s (%s)\n", str(a, "id"), str(a, "source"), str(b, "id"),
            str(b, "source"));
    fprintf(out, "Jaccard %.4f, containment %.4f (%.0f shared of %.0f and %.0f shingles)\n",
            num(e, "jaccard"), num(e, "containment"), num(sh, "shared"), num(sh, "a"),
            num(sh, "b"));
    yajl_val st = get(e, "stored");
    if (st && YAJL_IS_OBJECT(st)) {
        fprintf(out, "stored: %s (%.4f / %.4f, in %s's matches)\n", str(st, "relation"),
                num(st, "jaccard"), num(st, "containment"), str(st, "listed_by"));
    }
    yajl_val ps = arr(e, "passages");
    fprintf(out, "\n%zu shared passages:\n", ps ? ps->u.array.len : 0);
    for (size_t i = 0; ps && i < ps->u.array.len; i++) {
        yajl_val p = ps->u.array.values[i];
        fprintf(out, "[%zu] %.0f words\n  a: ", i, num(p, "words"));
        cell(out, str(get(p, "a_sentences"), "text"), 100);
        fprintf(out, "\n  b: ");
        cell(out, str(get(p, "b_sentences"), "text"), 100);
        fputc('\n', out);
    }
}
