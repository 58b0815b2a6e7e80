/* batch.c - the runner-independent part of processing: parse, step, retry. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/charset.h"
#include "../core/json_check.h"
#include "../core/utf8.h"
#include "log.h"
#include "metrics.h"

int nw_batch_init(nw_batch *b, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->items = calloc(cap, sizeof *b->items);
    b->outs = calloc(cap, sizeof *b->outs);
    if (!b->items || !b->outs) {
        nw_batch_release(b);
        return NW_E_NOMEM;
    }
    b->cap = cap;
    for (size_t i = 0; i < cap; i++) {
        if (nw_outbox_init(&b->outs[i]) != NW_OK) {
            nw_batch_release(b);
            return NW_E_NOMEM;
        }
        b->items[i].out = &b->outs[i];
    }
    return NW_OK;
}

void nw_batch_release(nw_batch *b)
{
    for (size_t i = 0; b->outs && i < b->cap; i++) {
        nw_outbox_release(&b->outs[i]);
    }
    free(b->outs);
    free(b->items);
    nw_buf_release(&b->decoded);
    memset(b, 0, sizeof *b);
}

static void release_docs(nw_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        nw_doc_release(&b->items[i].doc);
    }
}

/* One attempt at stepping every parsed document; returns the batch-level code. */
static int step_all(nw_batch *b, const nw_stage *st, void *ctx, nw_err *err)
{
    if (st->step_batch) {
        /* compact the parsed items to the front, run, then results stay in place */
        size_t k = 0;
        nw_batch_item *tmp = NULL;
        int rc;
        for (size_t i = 0; i < b->n; i++) {
            if (b->items[i].doc.root) {
                nw_outbox_reset(b->items[i].out);
                b->items[i].rc = NW_OK;
                k++;
            }
        }
        if (k == b->n) {
            return st->step_batch(ctx, b->items, b->n, err);
        }
        tmp = malloc(k * sizeof *tmp);
        if (!tmp) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        k = 0;
        for (size_t i = 0; i < b->n; i++) {
            if (b->items[i].doc.root) {
                tmp[k++] = b->items[i];
            }
        }
        rc = k ? st->step_batch(ctx, tmp, k, err) : NW_OK;
        k = 0;
        for (size_t i = 0; i < b->n; i++) {
            if (b->items[i].doc.root) {
                b->items[i] = tmp[k++];
            }
        }
        free(tmp);
        return rc;
    }
    for (size_t i = 0; i < b->n; i++) {
        nw_batch_item *it = &b->items[i];
        if (!it->doc.root) {
            continue;
        }
        nw_outbox_reset(it->out);
        it->rc = st->step(ctx, &it->doc, it->out, &it->err);
        if (it->rc == NW_E_RETRY || it->rc == NW_E_FATAL || it->rc == NW_E_NOMEM) {
            *err = it->err;
            return it->rc;
        }
    }
    return NW_OK;
}

/* A stage never emits what the next stage would refuse: an item whose record is not valid
 * JSON and UTF-8 is dead-lettered instead (a bug of ours, caught before it spreads). */
static void check_outputs(nw_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        nw_batch_item *it = &b->items[i];
        for (size_t k = 0; it->rc == NW_OK && k < it->out->n; k++) {
            const nw_record *rec = &it->out->rec[k];
            if (nw_json_check(nw_record_val(it->out, rec), rec->val_len, &it->err) != NW_OK) {
                it->rc = NW_E_INPUT;
            } else if (nw_utf8_validate(nw_record_key(it->out, rec), rec->key_len) !=
                       rec->key_len) {
                it->rc = nw_err_set(&it->err, NW_E_INPUT, "invalid_output",
                                    "output record key is not valid UTF-8");
            }
            if (it->rc != NW_OK) {
                nw_log(NW_LOG_ERROR, "invalid_output", "detail=%s", nw_logq(it->err.detail));
            }
        }
    }
}

/* A message that is not UTF-8, decoded from its page's charset (core/charset.h) and parsed
 * again; the item keeps the first error when that fails too. */
static int parse_decoded(nw_batch *b, nw_batch_item *it, const char *payload, size_t len,
                         size_t max_bytes)
{
    char charset[sizeof it->doc.decoded_from];
    nw_charset_of(payload, len, charset, sizeof charset);
    nw_buf_reset(&b->decoded);
    nw_err err;
    nw_err_clear(&err);
    int rc = nw_charset_decode_json(payload, len, charset, &b->decoded, &err);
    if (rc == NW_OK) { /* a byte may take three in UTF-8 */
        rc = nw_doc_parse(&it->doc, b->decoded.data, b->decoded.len, 3 * max_bytes, &err);
    }
    if (rc != NW_OK) {
        it->err = err;
        return rc;
    }
    memcpy(it->doc.decoded_from, charset, sizeof charset);
    it->doc.raw = NULL; /* b->decoded holds the next message's decoding soon */
    return NW_OK;
}

int nw_batch_run(nw_batch *b, const nw_stage *st, void *ctx, const char *const *payloads,
                 const size_t *lens, size_t n, size_t max_bytes, int max_attempts,
                 void (*on_retry)(void *), void *arg)
{
    static nw_metric *m_retry;
    if (!m_retry) {
        m_retry = nw_counter("nearwire_step_retries_total",
                             "Batches retried after a temporary failure.", NULL);
    }
    b->n = n;
    for (size_t i = 0; i < n; i++) {
        nw_batch_item *it = &b->items[i];
        nw_err_clear(&it->err);
        nw_outbox_reset(it->out);
        it->rc = nw_doc_parse(&it->doc, payloads[i], lens[i], max_bytes, &it->err);
        if (it->rc == NW_E_INPUT && st->decode_charsets && it->err.reason &&
            strcmp(it->err.reason, "invalid_utf8") == 0) {
            it->rc = parse_decoded(b, it, payloads[i], lens[i], max_bytes);
        }
    }
    int rc;
    nw_err err;
    for (int attempt = 0;; attempt++) {
        nw_err_clear(&err);
        rc = step_all(b, st, ctx, &err);
        if (rc != NW_E_RETRY) {
            break;
        }
        nw_metric_add(m_retry, 1);
        nw_log(NW_LOG_WARN, "step_retry", "attempt=%d detail=%s", attempt + 1, nw_logq(err.detail));
        if (nw_stop || (max_attempts > 0 && attempt + 1 >= max_attempts)) {
            break;
        }
        if (on_retry) {
            on_retry(arg);
        }
        long ms = 100L << (attempt < 3 ? attempt : 3); /* 100 ms doubling to NW_RETRY_MAX_MS */
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (rc == NW_OK) {
        check_outputs(b);
    }
    if (rc != NW_OK && rc != NW_E_RETRY) {
        nw_log(NW_LOG_ERROR, "step_failed", "rc=%s detail=%s", nw_strerror(rc),
               nw_logq(err.detail));
        rc = NW_E_FATAL;
    }
    release_docs(b);
    return rc;
}

void nw_batch_reject(nw_batch *b, size_t n, const nw_err *why)
{
    b->n = n;
    for (size_t i = 0; i < n; i++) {
        nw_outbox_reset(b->items[i].out);
        b->items[i].err = *why;
        b->items[i].rc = NW_E_INPUT;
    }
}
