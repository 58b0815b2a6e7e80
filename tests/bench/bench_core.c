/* bench_core.c - single-core throughput of the pure core on real text: cleaning (MB/s of
 * input) and fingerprinting (normalize, shingle, MinHash-128, SimHash-64; documents/s).
 * Reads input documents as JSONL on stdin (field "body" or "text"); repeats the corpus
 * until at least --seconds have passed. Prints one line per measurement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/doc.h"
#include "io/metrics.h"
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

int main(int argc, char **argv)
{
    double min_seconds = argc > 1 ? atof(argv[1]) : 3.0;
    corpus c = {0};
    load(&c);
    if (!c.n) {
        fprintf(stderr, "bench_core: no documents on stdin\n");
        return 2;
    }
    nw_cleaner *cl = nw_cleaner_new();
    size_t docs = 0, bytes = 0;
    double t0 = nw_now_seconds(), t;
    do {
        for (size_t i = 0; i < c.n; i++) {
            const nw_clean_result *r;
            nw_cleaner_run(cl, c.text[i], c.len[i], NW_CT_SNIFF, NULL, &r);
            bytes += c.len[i];
        }
        docs += c.n;
        t = nw_now_seconds() - t0;
    } while (t < min_seconds);
    printf("clean        %8.1f MB/s   %9.0f docs/s  (%zu docs, %.1f MB of input, 1 core)\n",
           bytes / t / 1e6, docs / t, c.n, c.bytes / 1e6);
    nw_fp_params p = {3, 1};
    nw_fingerprinter f;
    nw_fingerprinter_init(&f, &p);
    nw_fingerprint fp;
    uint64_t sink = 0;
    docs = 0;
    t0 = nw_now_seconds();
    do {
        for (size_t i = 0; i < c.n; i++) {
            nw_fingerprint_text(&f, c.text[i], c.len[i], &fp);
            sink += fp.simhash;
        }
        docs += c.n;
        t = nw_now_seconds() - t0;
    } while (t < min_seconds);
    printf("fingerprint  %8.1f MB/s   %9.0f docs/s  (MinHash-128 + SimHash-64, 1 core)%s\n",
           c.bytes * (double)(docs / c.n) / t / 1e6, docs / t, sink == 42 ? " " : "");
    nw_fingerprinter_release(&f);
    nw_cleaner_free(cl);
    for (size_t i = 0; i < c.n; i++) {
        free(c.text[i]);
    }
    free(c.text);
    free(c.len);
    return 0;
}
