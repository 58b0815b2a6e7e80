/* shapes.c - the generators of shapes.h. Both share the writer and the repeat step: every
 * step records where its output began, so "repeat the last n steps r times" copies that span. */
#include "shapes.h"

#include <string.h>

#define MAX_STEPS 64 /* steps remembered for repeats */

typedef struct writer {
    char *out;
    size_t len, cap;
    const uint8_t *in;
    size_t at, size;
    size_t starts[MAX_STEPS]; /* ring of where recent steps began */
    size_t steps;
} writer;

static unsigned next(writer *w)
{
    return w->at < w->size ? w->in[w->at++] : 0;
}

static void put(writer *w, const char *s, size_t n)
{
    if (w->len + n >= w->cap) {
        n = w->cap - 1 - w->len;
    }
    memcpy(w->out + w->len, s, n);
    w->len += n;
}

static void puts_(writer *w, const char *s)
{
    put(w, s, strlen(s));
}

static void begin_step(writer *w)
{
    w->starts[w->steps++ % MAX_STEPS] = w->len;
}

/* Copies what the last n steps wrote, r more times (bounded by cap). */
static void repeat(writer *w, unsigned n, unsigned r)
{
    if (w->steps == 0) {
        return;
    }
    if (n > w->steps) {
        n = (unsigned)w->steps;
    }
    if (n > MAX_STEPS) {
        n = MAX_STEPS;
    }
    size_t from = w->starts[(w->steps - n) % MAX_STEPS], to = w->len;
    for (unsigned i = 0; i < r && w->len + (to - from) < w->cap; i++) {
        memmove(w->out + w->len, w->out + from, to - from);
        w->len += to - from;
    }
}

/* The next step's op, 0..nops-1, with its start recorded; or -1 after doing the extra op
 * nops, "repeat the last 1..16 steps 2^0..2^14 times". */
static int next_step(writer *w, unsigned nops)
{
    unsigned op = next(w) % (nops + 1);
    if (op == nops) {
        unsigned n = next(w) % 16 + 1, r = 1u << (next(w) % 15);
        repeat(w, n, r);
        return -1;
    }
    begin_step(w);
    return (int)op;
}

static void word(writer *w)
{
    static const char *const words[] = {
        "the ",          "news ", "Reuters ",          "caf\xc3\xa9 ",
        "\xe4\xb8\xad ", "x",     "\xf0\x9f\x98\x80 ", "Obama "};
    puts_(w, words[next(w) % 8]);
}

size_t nw_shapes_html(const uint8_t *data, size_t size, char *out, size_t cap)
{
    static const char *const tags[] = {"div", "b",      "a",     "table", "tr",    "td",
                                       "p",   "li",     "ul",    "svg",   "math",  "select",
                                       "i",   "option", "span",  "font",  "nobr",  "template",
                                       "em",  "h1",     "frame", "form",  "button"};
    const size_t ntags = sizeof tags / sizeof tags[0];
    writer w = {out, 0, cap, data, 0, size, {0}, 0};
    puts_(&w, "<html><body>");
    while (w.at < w.size && w.len + 1 < w.cap) {
        switch (next_step(&w, 11)) {
        case 0:
        case 1:
        case 2: { /* a start tag with a few attributes */
            puts_(&w, "<");
            puts_(&w, tags[next(&w) % ntags]);
            for (unsigned k = next(&w) % 4; k > 0; k--) {
                puts_(&w, k & 1 ? " class=x" : " href='y'");
            }
            puts_(&w, ">");
            break;
        }
        case 3:
            puts_(&w, "</");
            puts_(&w, tags[next(&w) % ntags]);
            puts_(&w, ">");
            break;
        case 4:
        case 5:
            word(&w);
            break;
        case 6:
            puts_(&w,
                  (const char *const[]){"&amp;", "&eacute;", "&#x1F600;", "&bogus;"}[next(&w) % 4]);
            break;
        case 7:
            puts_(&w, next(&w) & 1 ? "<!-- c -->" : "<!--");
            break;
        case 8:
            puts_(&w, next(&w) & 1 ? "<script>var a = '<div>';</script>" : "<style>");
            break;
        case 9: /* an attribute-heavy start tag */
            puts_(&w, "<span");
            for (unsigned k = next(&w) * 2; k > 0; k--) {
                char a[16];
                a[0] = ' ';
                a[1] = 'a';
                a[2] = (char)('a' + k % 26);
                a[3] = (char)('a' + k / 26 % 26);
                a[4] = '\0';
                puts_(&w, a);
            }
            puts_(&w, ">");
            break;
        case 10:
            puts_(&w, (const char *const[]){"<br>", "<p>", "\n\n", "</p>"}[next(&w) % 4]);
            break;
        }
    }
    puts_(&w, "</body></html>");
    out[w.len] = '\0';
    return w.len;
}

size_t nw_shapes_json(const uint8_t *data, size_t size, char *out, size_t cap)
{
    writer w = {out, 0, cap, data, 0, size, {0}, 0};
    puts_(&w, "{\"id\":\"fz\",\"body\":\"some text\",\"meta\":[");
    while (w.at < w.size && w.len + 1 < w.cap) {
        switch (next_step(&w, 9)) {
        case 0:
            puts_(&w, "[");
            break;
        case 1:
            puts_(&w, "{\"k\":");
            break;
        case 2:
            puts_(&w, next(&w) & 1 ? "]" : "}");
            break;
        case 3:
            puts_(&w, "\"s\",");
            break;
        case 4:
            puts_(&w, "1,");
            break;
        case 5: /* escapes, good and bad */
            puts_(&w, (const char *const[]){"\"\\u00e9\",", "\"\\ud83d\\ude00\",", "\"\\udc00\",",
                                            "\"a\\u0000b\",", "\"\\ud800\",",
                                            "\"\\n\\t\\\"\","}[next(&w) % 6]);
            break;
        case 6:
            puts_(&w, "{\"k\":1,\"k\":2},");
            break;
        case 7:
            word(&w);
            break;
        case 8:
            puts_(&w, "null,");
            break;
        }
    }
    puts_(&w, next(&w) & 1 ? "]}" : "");
    out[w.len] = '\0';
    return w.len;
}
