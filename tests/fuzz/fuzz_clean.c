/* fuzz_clean.c - libFuzzer harness: any bytes cleaned as HTML and as plain text (the first
 * byte chooses), the way nearwire-clean would after validating UTF-8. */
#include <stddef.h>
#include <stdint.h>

#include "core/utf8.h"
#include "text/clean.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nw_cleaner *c;
    if (!c) {
        c = nw_cleaner_new();
    }
    if (size < 1 || nw_utf8_validate((const char *)data + 1, size - 1) != size - 1) {
        return 0;
    }
    const nw_clean_result *r;
    nw_content_type ct = data[0] & 1 ? NW_CT_HTML : (data[0] & 2 ? NW_CT_TEXT : NW_CT_SNIFF);
    nw_cleaner_run(c, (const char *)data + 1, size - 1, ct, NULL, &r);
    return 0;
}
