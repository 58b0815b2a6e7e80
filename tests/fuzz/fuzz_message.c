/* fuzz_message.c - libFuzzer harness: a Kafka message value through the path a document takes
 * before the store: validation, parsing, cleaning of its body, fingerprinting of the text. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/doc.h"
#include "sketch/fingerprint.h"
#include "text/clean.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nw_cleaner *c;
    static nw_fingerprinter f;
    if (!c) {
        c = nw_cleaner_new();
        nw_fp_params p;
        nw_fp_params_default(&p);
        nw_fingerprinter_init(&f, &p);
    }
    nw_doc doc;
    nw_err err;
    if (nw_doc_parse(&doc, (const char *)data, size, 1 << 20, &err) != 0) {
        return 0;
    }
    const char *body = nw_doc_str(&doc, "body");
    if (body) {
        const nw_clean_result *r;
        nw_cleaner_run(c, body, strlen(body), NW_CT_SNIFF, nw_doc_str(&doc, "title"), &r);
        nw_fingerprint fp;
        nw_fingerprint_text(&f, r->text.data ? r->text.data : "", r->text.len, &fp);
    }
    nw_doc_release(&doc);
    return 0;
}
