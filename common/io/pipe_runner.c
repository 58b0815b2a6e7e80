/* pipe_runner.c - the same step without Kafka: JSONL in on stdin, the main output's records
 * out on stdout, one line each; a bad line is reported on stderr with its number and reason
 * and makes the exit status 1. Temporary failures are retried a few times, then fatal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "stage.h"

#define PIPE_RETRIES 6

static int step_with_retry(const nw_stage *st, void *ctx, const nw_doc *doc, nw_outbox *out,
                           nw_err *err)
{
    int rc = NW_E_RETRY;
    for (int attempt = 0; attempt < PIPE_RETRIES && rc == NW_E_RETRY && !nw_stop; attempt++) {
        if (attempt) {
            struct timespec ts = {0, 100000000L << (attempt < 3 ? attempt : 3)};
            nanosleep(&ts, NULL);
        }
        nw_outbox_reset(out);
        rc = st->step(ctx, doc, out, err);
    }
    return rc;
}

int nw_run_pipe(const nw_stage *st, const nw_stage_config *cfg, void *ctx)
{
    nw_outbox out;
    if (nw_outbox_init(&out) != NW_OK) {
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0, bad = 0, ok = 0;
    int fatal = 0;
    while (!nw_stop && !fatal && (len = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            len--;
        }
        if (len == 0) {
            continue;
        }
        nw_err err;
        nw_doc doc;
        nw_err_clear(&err);
        int rc = nw_doc_parse(&doc, line, (size_t)len, (size_t)cfg->max_message_bytes, &err);
        if (rc == NW_OK) {
            rc = step_with_retry(st, ctx, &doc, &out, &err);
            nw_doc_release(&doc);
        }
        if (rc == NW_E_INPUT) {
            fprintf(stderr, "nearwire-%s: stdin:%ld: %s: %s\n", st->name, lineno, err.reason,
                    err.detail);
            bad++;
            continue;
        }
        if (rc != NW_OK) {
            fprintf(stderr, "nearwire-%s: stdin:%ld: %s: %s\n", st->name, lineno,
                    nw_strerror(rc), err.detail);
            fatal = 1;
            break;
        }
        for (size_t i = 0; i < out.n; i++) {
            if (out.rec[i].topic == NULL) {
                fwrite(nw_record_val(&out, &out.rec[i]), 1, out.rec[i].val_len, stdout);
                fputc('\n', stdout);
            }
        }
        ok++;
    }
    free(line);
    nw_outbox_release(&out);
    if (fflush(stdout) != 0) {
        fatal = 1;
    }
    nw_log(NW_LOG_DEBUG, "pipe_done", "ok=%ld bad=%ld", ok, bad);
    return fatal ? 2 : bad ? 1 : 0;
}
