/* pipe_runner.c - the same batch path without Kafka: JSONL in on stdin, the main output's
 * records out on stdout in input order, one line each; a bad line is reported on stderr with
 * its number and reason and makes the exit status 1. Temporary failures are retried with
 * backoff for about 25 s, then the run stops with status 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "log.h"
#include "stage.h"

/* about 25 s of backoff: a batch job should fail, not hang, while a dependency is down */
#define PIPE_ATTEMPTS (3 + 25000 / NW_RETRY_MAX_MS)

typedef struct lines {
    char **v;
    size_t *cap, *len;
    long *lineno;
} lines;

static int read_batch(lines *L, size_t max, long *lineno, size_t *n)
{
    *n = 0;
    while (*n < max) {
        ssize_t len = getline(&L->v[*n], &L->cap[*n], stdin);
        if (len < 0) {
            return ferror(stdin) ? -1 : 0;
        }
        (*lineno)++;
        while (len > 0 && (L->v[*n][len - 1] == '\n' || L->v[*n][len - 1] == '\r')) {
            len--;
        }
        if (len == 0) {
            continue;
        }
        L->len[*n] = (size_t)len;
        L->lineno[*n] = *lineno;
        (*n)++;
    }
    return 0;
}

static long write_results(const nw_stage *st, const nw_batch *b, const lines *L, size_t n)
{
    long bad = 0;
    for (size_t i = 0; i < n; i++) {
        const nw_batch_item *it = &b->items[i];
        if (it->rc == NW_E_INPUT) {
            fprintf(stderr, "nearwire-%s: stdin:%ld: %s: %s\n", st->name, L->lineno[i],
                    it->err.reason, it->err.detail);
            bad++;
            continue;
        }
        for (size_t k = 0; k < it->out->n; k++) {
            if (it->out->rec[k].topic == NULL) {
                fwrite(nw_record_val(it->out, &it->out->rec[k]), 1, it->out->rec[k].val_len,
                       stdout);
                fputc('\n', stdout);
            }
        }
    }
    return bad;
}

int nw_run_pipe(const nw_stage *st, const nw_stage_config *cfg, void *ctx)
{
    size_t max = cfg->batch_size > 0 ? (size_t)cfg->batch_size : 1;
    nw_batch b;
    lines L = {calloc(max, sizeof(char *)), calloc(max, sizeof(size_t)),
               calloc(max, sizeof(size_t)), calloc(max, sizeof(long))};
    if (!L.v || !L.cap || !L.len || !L.lineno || nw_batch_init(&b, max) != NW_OK) {
        fprintf(stderr, "nearwire-%s: out of memory\n", st->name);
        return 2;
    }
    long lineno = 0, bad = 0;
    int status = 0;
    size_t n;
    while (!nw_stop) {
        if (read_batch(&L, max, &lineno, &n) != 0) {
            fprintf(stderr, "nearwire-%s: reading stdin failed\n", st->name);
            status = 2;
            break;
        }
        if (n == 0) {
            break;
        }
        int rc = nw_batch_run(&b, st, ctx, (const char *const *)L.v, L.len, n,
                              (size_t)cfg->max_message_bytes, PIPE_ATTEMPTS, NULL, NULL);
        if (rc != NW_OK) {
            fprintf(stderr, "nearwire-%s: stopped at stdin:%ld: %s\n", st->name, L.lineno[0],
                    nw_strerror(rc));
            status = 2;
            break;
        }
        bad += write_results(st, &b, &L, n);
    }
    for (size_t i = 0; i < max; i++) {
        free(L.v[i]);
    }
    free(L.v);
    free(L.cap);
    free(L.len);
    free(L.lineno);
    nw_batch_release(&b);
    if (fflush(stdout) != 0) {
        status = 2;
    }
    return status ? status : bad ? 1 : 0;
}
