/* bench_core.c - single-core throughput of the pure core on real text: cleaning (MB/s of
 * input), fingerprinting (normalize, shingle, MinHash-128, SimHash-64), entity extraction
 * and term counting (documents/s). Reads input documents as JSONL on stdin (field "body" or
 * "text"); repeats the corpus until at least --seconds have passed. Prints one line per
 * measurement. Run from the repository root (the gazetteer and stoplists are read from
 * config/). With "parsers" after the seconds (HTML pages): the HTML parsers alone on the same
 * pages, for what a parser change could gain (#18): gumbo (the HTML5 parser clean uses, its
 * tree built and freed), libxml2's HTML parser building its tree, and libxml2's SAX
 * tokenizer with no tree. */
#include <gumbo.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/doc.h"
#include "enrich/entities.h"
#include "enrich/keywords.h"
#include "io/gazetteer_load.h"
#include "io/metrics.h"
#include "io/stoplists.h"
#include "sketch/fingerprint.h"
#include "text/clean.h"

typedef struct corpus {
    char **text;
    size_t *len;
    size_t n, cap, bytes;
} corpus;

static void load(corpus *c)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        nw_err err;
        yajl_val v = nw_json_parse(line, (size_t)n, &err);
        const char *path_b[] = {"body", NULL}, *path_t[] = {"text", NULL};
        yajl_val t = v ? yajl_tree_get(v, path_b, yajl_t_string) : NULL;
        t = t ? t : v ? yajl_tree_get(v, path_t, yajl_t_string) : NULL;
        if (t && t->u.string[0]) {
            if (c->n == c->cap) {
                c->cap = c->cap ? 2 * c->cap : 1024;
                c->text = realloc(c->text, c->cap * sizeof *c->text);
                c->len = realloc(c->len, c->cap * sizeof *c->len);
            }
            c->text[c->n] = strdup(t->u.string);
            c->len[c->n] = strlen(t->u.string);
            c->bytes += c->len[c->n];
            c->n++;
        }
        if (v) {
            yajl_tree_free(v);
        }
    }
    free(line);
}

typedef struct work {
    nw_cleaner *cleaner;
    nw_fingerprinter fp;
    nw_entity_extractor *entities;
    nw_entities found;
    nw_term_counter *terms;
    nw_lang *stop;
    uint64_t sink; /* keeps results alive */
} work;

static void run_clean(work *w, const char *text, size_t n)
{
    const nw_clean_result *r;
    nw_cleaner_run(w->cleaner, text, n, NW_CT_SNIFF, NULL, &r);
    w->sink += r->text.len;
}

static void run_fingerprint(work *w, const char *text, size_t n)
{
    nw_fingerprint fp;
    nw_fingerprint_text(&w->fp, text, n, &fp);
    w->sink += fp.simhash;
}

static void run_entities(work *w, const char *text, size_t n)
{
    nw_entities_extract(w->entities, text, n, &w->found);
    w->sink += w->found.n;
}

static int english_stopword(void *arg, const char *word, size_t n)
{
    return nw_lang_is_stopword(arg, "en", word, n);
}

static void run_terms(work *w, const char *text, size_t n)
{
    const nw_term *t;
    size_t nt;
    nw_terms_count(w->terms, text, n, english_stopword, w->stop, 1000, &t, &nt);
    w->sink += nt;
}

/* Runs fn over the corpus until min_seconds have passed; prints docs/s and MB/s. */
static void run_gumbo(work *w, const char *text, size_t n)
{
    GumboOutput *out = gumbo_parse_with_options(&kGumboDefaultOptions, text, n);
    w->sink += out->root->v.element.children.length;
    gumbo_destroy_output(&kGumboDefaultOptions, out);
}

enum {
    LIBXML2_OPTIONS = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_NONET | HTML_PARSE_COMPACT
};

static void run_libxml2_tree(work *w, const char *text, size_t n)
{
    htmlDocPtr doc = htmlReadMemory(text, (int)n, NULL, "UTF-8", LIBXML2_OPTIONS);
    w->sink += doc != NULL;
    xmlFreeDoc(doc);
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
    (void)ch;
    ((work *)((htmlParserCtxtPtr)ctx)->_private)->sink += (uint64_t)len;
}

static void run_libxml2_sax(work *w, const char *text, size_t n)
{
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.characters = on_characters;
    sax.initialized = 1;
    htmlParserCtxtPtr ctx = htmlCreateMemoryParserCtxt(text, (int)n);
    if (ctx) {
        memcpy(ctx->sax, &sax, sizeof sax);
        ctx->_private = w;
        ctx->userData = ctx;
        htmlCtxtUseOptions(ctx, LIBXML2_OPTIONS);
        htmlParseDocument(ctx);
        if (ctx->myDoc) {
            xmlFreeDoc(ctx->myDoc);
        }
        htmlFreeParserCtxt(ctx);
    }
}

static void measure(const char *name, void (*fn)(work *, const char *, size_t), work *w,
                    const corpus *c, double min_seconds, const char *note)
{
    size_t docs = 0;
    double bytes = 0, t0 = nw_now_seconds(), t;
    do {
        for (size_t i = 0; i < c->n; i++) {
            fn(w, c->text[i], c->len[i]);
            bytes += (double)c->len[i];
        }
        docs += c->n;
        t = nw_now_seconds() - t0;
    } while (t < min_seconds);
    printf("%-12s %8.1f MB/s   %9.0f docs/s  (%s)\n", name, bytes / t / 1e6, docs / t, note);
}

int main(int argc, char **argv)
{
    double min_seconds = argc > 1 ? atof(argv[1]) : 3.0;
    corpus c = {0};
    load(&c);
    if (!c.n) {
        fprintf(stderr, "bench_core: no documents on stdin\n");
        return 2;
    }
    char err[512];
    nw_gazetteer *gaz = nw_gazetteer_load("config/gazetteer", err, sizeof err);
    work w = {.cleaner = nw_cleaner_new(), .terms = nw_term_counter_new()};
    w.stop = gaz ? nw_stoplists_load("config/stoplists", err, sizeof err) : NULL;
    if (!gaz || !w.stop) {
        fprintf(stderr, "bench_core: %s (run from the repository root)\n", err);
        return 2;
    }
    w.entities = nw_entity_extractor_new(gaz);
    nw_fp_params p;
    nw_fp_params_default(&p);
    nw_fingerprinter_init(&w.fp, &p);
    char note[128];
    snprintf(note, sizeof note, "%zu docs, %.1f MB of input, 1 core", c.n, c.bytes / 1e6);
    measure("clean", run_clean, &w, &c, min_seconds, note);
    measure("fingerprint", run_fingerprint, &w, &c, min_seconds,
            "MinHash-128 + SimHash-64, 1 core");
    measure("entities", run_entities, &w, &c, min_seconds, "people, places, organisations, 1 core");
    measure("terms", run_terms, &w, &c, min_seconds, "keyword terms with stopwords, 1 core");
    if (argc > 2 && !strcmp(argv[2], "parsers")) {
        measure("gumbo", run_gumbo, &w, &c, min_seconds, "gumbo parse, tree built and freed");
        measure("libxml2-tree", run_libxml2_tree, &w, &c, min_seconds,
                "libxml2 HTML parser, tree built and freed");
        measure("libxml2-sax", run_libxml2_sax, &w, &c, min_seconds,
                "libxml2 HTML tokenizer, SAX, no tree");
    }
    printf("%s", w.sink == 42 ? " \n" : "");
    nw_fingerprinter_release(&w.fp);
    nw_cleaner_free(w.cleaner);
    nw_entity_extractor_free(w.entities);
    nw_term_counter_free(w.terms);
    nw_lang_free(w.stop);
    nw_gazetteer_free(gaz);
    for (size_t i = 0; i < c.n; i++) {
        free(c.text[i]);
    }
    free(c.text);
    free(c.len);
    return 0;
}
