/* fuzz_explain.c - libFuzzer harness: any bytes, split at the first NUL into two texts (the
 * cards of two articles are feed text), through the shared-passage finder; checks what the
 * API relies on: every passage lies inside its text on token boundaries that are character
 * boundaries, a's passages do not overlap, the scores are in [0, 1], and each text's
 * segments cover it once, in order. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "match/explain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int boundary(const char *t, size_t len, size_t at)
{
    return at == len || ((unsigned char)t[at] & 0xC0) != 0x80;
}

static void check_segments(const nw_explain *e, char which, const char *t, size_t len)
{
    nw_segment *seg = malloc((2 * e->npassages + 1) * sizeof *seg);
    if (!seg) {
        return;
    }
    size_t n = nw_explain_segments(e, which, len, seg), pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (seg[i].span.start != pos || seg[i].span.end < pos || !boundary(t, len, pos)) {
            abort();
        }
        pos = seg[i].span.end;
    }
    if (pos != len) {
        abort();
    }
    free(seg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *a = (const char *)data, *nul = memchr(data, 0, size);
    size_t na = nul ? (size_t)(nul - a) : size;
    const char *b = nul ? nul + 1 : a;
    size_t nb = nul ? size - na - 1 : size;
    /* cards hold valid UTF-8 only */
    if (nw_utf8_validate(a, na) != na || nw_utf8_validate(b, nb) != nb) {
        return 0;
    }
    nw_explain e;
    if (nw_explain_texts(a, na, b, nb, 3, 1, 4, &e) != 0) {
        return 0;
    }
    if (e.jaccard < 0 || e.jaccard > 1 || e.containment < 0 || e.containment > 1 ||
        e.shared > e.shingles_a || e.shared > e.shingles_b) {
        abort();
    }
    for (size_t i = 0; i < e.npassages; i++) {
        const nw_passage *p = &e.passages[i];
        if (p->a.start >= p->a.end || p->a.end > na || p->b.start >= p->b.end || p->b.end > nb ||
            !boundary(a, na, p->a.start) || !boundary(b, nb, p->b.end) ||
            p->a_sentences.start > p->a.start || p->a_sentences.end < p->a.end ||
            p->b_sentences.end > nb || (i && p->a.start < e.passages[i - 1].a.end)) {
            abort();
        }
    }
    check_segments(&e, 'a', a, na);
    check_segments(&e, 'b', b, nb);
    nw_explain_release(&e);
    return 0;
}
