/* fuzz_doc.c - libFuzzer harness: any bytes through message validation and parsing, and a
 * parsed document back out through the pass-through writer. */
#include <stddef.h>
#include <stdint.h>

#include "core/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nw_doc doc;
    nw_err err;
    if (nw_doc_parse(&doc, (const char *)data, size, 1 << 20, &err) != 0) {
        return 0;
    }
    yajl_gen g = nw_json_gen_new();
    static const char *const skip[] = {"body", NULL};
    yajl_gen_map_open(g);
    nw_json_copy_fields(g, doc.root, skip);
    yajl_gen_map_close(g);
    nw_buf out;
    nw_buf_init(&out);
    nw_json_take(g, &out);
    nw_buf_release(&out);
    yajl_gen_free(g);
    nw_doc_release(&doc);
    return 0;
}
