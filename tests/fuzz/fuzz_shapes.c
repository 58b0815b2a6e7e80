/* fuzz_shapes.c - libFuzzer harness, structure-aware: the fuzzer's bytes are a program that
 * writes an HTML page or a JSON message (shapes.h; the first byte chooses) of up to 4 MiB,
 * which goes through the clean stage's own step, pre-scans and all, the way nearwire-clean
 * takes a message. Run with a time and memory limit (scripts/fuzz.sh): a page the pre-scans let
 * through but the parser chokes on fails the run as a timeout or an RSS overrun. Whatever
 * comes out must pass the output check (the next stage would refuse it otherwise). */
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "../../stages/clean/clean_step.h"
#include "core/json_check.h"
#include "shapes.h"

#define CAP (4u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* {"id":"fz","content_type":"text/html","body":<html>} */
static size_t wrap_html(const char *html, size_t n, char **msg)
{
    yajl_gen g = nw_json_gen_new();
    yajl_gen_map_open(g);
    nw_json_str(g, "id", "fz");
    nw_json_str(g, "content_type", "text/html");
    nw_json_strn(g, "body", html, n);
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    *msg = malloc(len);
    memcpy(*msg, buf, len);
    yajl_gen_free(g);
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static void *ctx;
    static clean_config cfg = {.stoplists = "config/stoplists"}; /* site lines off: no Redis */
    static char *text;
    if (!ctx) {
        nw_err err;
        if (clean_init(&ctx, &cfg, NULL, &err) != NW_OK) {
            abort(); /* run from the repository root */
        }
        text = malloc(CAP);
    }
    if (size < 1) {
        return 0;
    }
    char *msg;
    size_t len;
    if (data[0] & 1) {
        size_t n = nw_shapes_html(data + 1, size - 1, text, CAP - 4096);
        len = wrap_html(text, n, &msg);
    } else {
        len = nw_shapes_json(data + 1, size - 1, text, CAP);
        msg = malloc(len + 1);
        memcpy(msg, text, len);
    }
    nw_err err;
    nw_outbox out;
    nw_outbox_init(&out);
    nw_batch_item item = {.out = &out, .rc = NW_OK};
    nw_err_clear(&item.err);
    if (nw_doc_parse(&item.doc, msg, len, CAP, &err) == NW_OK) {
        if (clean_step_batch(ctx, &item, 1, &err) == NW_OK && item.rc == NW_OK) {
            for (size_t k = 0; k < out.n; k++) {
                if (nw_json_check(nw_record_val(&out, &out.rec[k]), out.rec[k].val_len, &err) !=
                    NW_OK) {
                    abort(); /* the stage would emit what the next one refuses */
                }
            }
        }
        nw_doc_release(&item.doc);
    }
    nw_outbox_release(&out);
    free(msg);
    return 0;
}
