/* fuzz_enrich.c - libFuzzer harness: any valid UTF-8 text through enrich's pure analysis:
 * entities (with the shipped gazetteer), terms, keywords and the publication-time parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/utf8.h"
#include "enrich/entities.h"
#include "enrich/keywords.h"
#include "io/gazetteer_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nw_entity_extractor *x;
    static nw_term_counter *terms;
    static nw_entities found;
    if (!x) {
        char err[256];
        nw_gazetteer *g = nw_gazetteer_load("config/gazetteer", err, sizeof err);
        if (!g) {
            abort(); /* run from the repository root */
        }
        x = nw_entity_extractor_new(g);
        terms = nw_term_counter_new();
    }
    const char *text = (const char *)data;
    if (nw_utf8_validate(text, size) != size) {
        return 0;
    }
    nw_entities_extract(x, text, size, &found);
    const nw_term *t;
    size_t n;
    if (nw_terms_count(terms, text, size, NULL, NULL, 1000, &t, &n) == 0) {
        long long df[16] = {0};
        nw_keyword kw[10];
        nw_keywords_top(t, df, n < 16 ? n : 16, 100, kw, 10);
    }
    char *copy = malloc(size + 1); /* the parser takes a C string */
    memcpy(copy, text, size);
    copy[size] = '\0';
    int64_t ms;
    nw_time_parse(copy, &ms);
    free(copy);
    return 0;
}
