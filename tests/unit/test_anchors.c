/* test_anchors.c - anchors (a consistent sample of shingles: what two documents share is
 * sampled alike at any size ratio, at the rate the README states), short texts' exact sets,
 * and the fp object's codec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/doc.h"
#include "core/nw_error.h"
#include "core/sort_u32.h"
#include "sketch/anchors.h"
#include "sketch/exact_set.h"
#include "sketch/fingerprint.h"
#include "sketch/fp_json.h"

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static size_t anchors_of(const uint64_t *set, size_t n, uint32_t *out)
{
    nw_anchor_params p;
    nw_anchor_params_index(&p);
    return nw_anchors_select(set, n, 1, &p, out);
}

static int shares_one(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (a[i] == b[j]) {
            return 1;
        }
        a[i] < b[j] ? i++ : j++;
    }
    return 0;
}

static void test_anchor_counts_follow_size(void **state)
{
    (void)state;
    uint64_t set[6000];
    uint32_t out[NW_ANCHORS_MAX];
    for (size_t i = 0; i < 6000; i++) {
        set[i] = rnd();
    }
    assert_int_equal(anchors_of(set, 0, out), 0);    /* an empty text */
    assert_int_equal(anchors_of(set, 10, out), 10);  /* a tiny text: all of its shingles */
    assert_int_equal(anchors_of(set, 100, out), 16); /* a short text: at least 16 */
    size_t m = anchors_of(set, 1600, out);           /* about one in 16 */
    assert_true(m > 75 && m < 125);
    assert_int_equal(anchors_of(set, 6000, out), 128); /* a long page: at most 128 */
    for (size_t i = 1; i < 128; i++) {
        assert_true(out[i] > out[i - 1]); /* ascending and distinct */
    }
}

/* The property anchors exist for: a text inside a page ten times its size shares an anchor
 * with it as often as the rate says (containment 0.5 of a 100-shingle text: 50 shingles,
 * 1 - (15/16)^50 = 0.960), while the page's Jaccard with it is only 0.05. */
static void test_contained_text_shares_an_anchor(void **state)
{
    (void)state;
    static uint64_t small[100], page[1050];
    uint32_t a[NW_ANCHORS_MAX], b[NW_ANCHORS_MAX];
    int found = 0, trials = 1000;
    for (int t = 0; t < trials; t++) {
        for (size_t i = 0; i < 100; i++) {
            small[i] = rnd();
        }
        memcpy(page, small, 50 * sizeof *page); /* half of the text is in the page */
        for (size_t i = 50; i < 1050; i++) {
            page[i] = rnd();
        }
        size_t na = anchors_of(small, 100, a), nb = anchors_of(page, 1050, b);
        found += shares_one(a, na, b, nb);
    }
    double expect = nw_anchor_candidate_probability(50, 16);
    assert_true(fabs(expect - 0.960) < 0.001);
    assert_true(fabs((double)found / trials - expect) < 0.02);
}

/* A shingle both share is an anchor of both whenever its key is under both cut-offs: the
 * anchors of a text that are under the page's cut-off are exactly the page's anchors among
 * the text's shingles. */
static void test_anchors_are_consistent(void **state)
{
    (void)state;
    static uint64_t page[2000];
    uint32_t a[NW_ANCHORS_MAX], b[NW_ANCHORS_MAX], inner[NW_ANCHORS_MAX];
    for (size_t i = 0; i < 2000; i++) {
        page[i] = rnd();
    }
    size_t na = anchors_of(page, 200, a); /* the text: the page's first 200 shingles */
    size_t nb = anchors_of(page, 2000, b);
    uint32_t cut = b[nb - 1];
    size_t ni = 0;
    for (size_t i = 0; i < na && a[i] <= cut; i++) {
        inner[ni++] = a[i];
    }
    assert_true(ni > 3);
    for (size_t i = 0, j = 0; i < ni; i++) {
        while (j < nb && b[j] < inner[i]) {
            j++;
        }
        assert_true(j < nb && b[j] == inner[i]);
    }
}

/* The index's anchors are a prefix of fingerprint's denser sample, whatever the text's size:
 * cluster indexes nw_anchors_prefix of what the message carries, and messages selected at the
 * index's own rate (before 2026-12-03) are indexed whole. */
static void test_index_anchors_are_a_prefix_of_the_sample(void **state)
{
    (void)state;
    static uint64_t set[6000];
    uint32_t sample[NW_ANCHORS_MAX], index[NW_ANCHORS_MAX];
    nw_anchor_params ps, pi;
    nw_anchor_params_sample(&ps);
    nw_anchor_params_index(&pi);
    assert_true(ps.every < pi.every && ps.most > pi.most);
    const size_t sizes[] = {0, 5, 16, 40, 100, 300, 700, 1000, 2048, 3000, 6000};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        for (size_t i = 0; i < sizes[t]; i++) {
            set[i] = rnd();
        }
        size_t ns = nw_anchors_select(set, sizes[t], 1, &ps, sample);
        size_t ni = nw_anchors_select(set, sizes[t], 1, &pi, index);
        assert_int_equal(nw_anchors_prefix(sample, ns, &pi), ni);
        assert_memory_equal(sample, index, ni * sizeof *index);
        assert_int_equal(nw_anchors_prefix(index, ni, &pi), ni);
        if (sizes[t] >= 1000) {
            assert_true(ns >= 2 * ni); /* the sample: twice the anchors at least */
        }
    }
}

/* cluster.anchor_least (8 by default, the index's own rule says 16): how many of a short
 * text's anchors the store indexes, taken from the message's denser sample; a long text's
 * count is its rate's, whatever the least. */
static void test_anchor_least_sets_a_short_texts_count(void **state)
{
    (void)state;
    static uint64_t set[3000];
    uint32_t sample[NW_ANCHORS_MAX];
    nw_anchor_params ps, pi;
    nw_anchor_params_sample(&ps);
    nw_anchor_params_index(&pi);
    const size_t sizes[] = {5, 40, 100, 3000};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        for (size_t i = 0; i < sizes[t]; i++) {
            set[i] = rnd();
        }
        size_t ns = nw_anchors_select(set, sizes[t], 1, &ps, sample);
        pi.least = 0;
        size_t below = nw_anchors_prefix(sample, ns, &pi); /* the rate's own count */
        const unsigned leasts[] = {4, 8, 16};
        for (size_t l = 0; l < 3; l++) {
            pi.least = leasts[l];
            size_t want = leasts[l] < sizes[t] ? leasts[l] : sizes[t];
            want = below > want ? below : want;
            assert_int_equal(nw_anchors_prefix(sample, ns, &pi), want < pi.most ? want : pi.most);
        }
        if (sizes[t] == 100) {
            assert_true(below < 16); /* so a least of 16 raises a short text's count */
        }
        if (sizes[t] == 3000) {
            assert_true(below >= 16); /* and leaves a long one's alone */
        }
    }
}

static void test_anchor_params_checked(void **state)
{
    (void)state;
    nw_anchor_params p = {12, 16, 128};
    assert_null(nw_anchor_params_check(&p));
    p.every = 0;
    assert_non_null(nw_anchor_params_check(&p));
    p = (nw_anchor_params){12, 200, 128};
    assert_non_null(nw_anchor_params_check(&p));
    p = (nw_anchor_params){12, 16, 257};
    assert_non_null(nw_anchor_params_check(&p));
}

/* Short texts are compared exactly: identical is 1, a text inside another is contained
 * whole, unrelated texts share (almost) nothing; a long text has no exact set. */
static void test_exact_sets(void **state)
{
    (void)state;
    static uint64_t set[300];
    static uint16_t a[NW_EXACT_MAX], b[NW_EXACT_MAX], c[NW_EXACT_MAX];
    for (size_t i = 0; i < 300; i++) {
        set[i] = rnd();
    }
    assert_int_equal(nw_exact_set(set, 257, 1, a, NULL), 0);
    assert_int_equal(nw_exact_set(set, 0, 1, a, NULL), 0);
    size_t na = nw_exact_set(set, 200, 1, a, NULL), nb = nw_exact_set(set, 100, 1, b, NULL);
    assert_true(na >= 199 && na <= 200); /* two of 200 may share their 16 bits */
    assert_true(nb >= 99 && nb <= 100);
    for (size_t i = 1; i < na; i++) {
        assert_true(a[i] > a[i - 1]);
    }
    double j, ct;
    nw_exact_measure(a, na, a, na, &j, &ct);
    assert_true(j == 1.0 && ct == 1.0);
    nw_exact_measure(a, na, b, nb, &j, &ct); /* the first 100 of the 200 */
    assert_true(ct == 1.0 && fabs(j - 0.5) < 0.01);
    size_t nc = nw_exact_set(set + 200, 100, 1, c, NULL); /* 100 others */
    nw_exact_measure(b, nb, c, nc, &j, &ct);
    assert_true(ct < 0.03);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The radix sort: whole values as qsort has them; by the top half, stable. */
static void test_sort_u32(void **state)
{
    (void)state;
    static uint32_t v[1000], w[1000], tmp[1000];
    for (size_t i = 0; i < 1000; i++) {
        v[i] = w[i] = (uint32_t)rnd();
    }
    nw_sort_u32(v, tmp, 1000, 0);
    qsort(w, 1000, sizeof *w, cmp_u32);
    assert_memory_equal(v, w, sizeof v);
    const uint32_t keys[] = {0x00020001, 0x00010009, 0x00020000, 0x00010003};
    memcpy(v, keys, sizeof keys);
    nw_sort_u32(v, tmp, 4, 16);
    const uint32_t want[] = {0x00010009, 0x00010003, 0x00020001, 0x00020000};
    assert_memory_equal(v, want, sizeof want);
}

/* The fp object round-trips; messages from before anchors have none; a damaged one is refused
 * with the reason the dead-letter topic will carry. */
static yajl_val fp_of(const char *json, nw_err *err)
{
    yajl_val root = nw_json_parse(json, strlen(json), err);
    assert_non_null(root);
    return root;
}

/* A text's fp object as the fingerprint stage writes it; the parsed message (caller frees). */
static yajl_val written(const char *text, const char *scheme, nw_fingerprint *fp)
{
    nw_fp_params p;
    nw_fp_params_default(&p);
    nw_fingerprinter f;
    nw_fingerprinter_init(&f, &p);
    assert_int_equal(nw_fingerprint_text(&f, text, strlen(text), fp), NW_OK);
    nw_fingerprinter_release(&f);
    yajl_gen g = nw_json_gen_new();
    yajl_gen_map_open(g);
    nw_json_key(g, "fp");
    nw_fp_json_write(g, scheme, fp);
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    nw_err err = {0};
    yajl_val root = fp_of((const char *)buf, &err);
    yajl_gen_free(g);
    return root;
}

static int read_back(yajl_val root, const char *scheme, nw_fp_read *r, nw_err *err)
{
    const char *path[] = {"fp", NULL};
    return nw_fp_json_read(yajl_tree_get(root, path, yajl_t_object), scheme, r, err);
}

static void test_fp_json_round_trip(void **state)
{
    (void)state;
    nw_fp_params p;
    nw_fp_params_default(&p);
    char scheme[NW_FP_SCHEME_MAX];
    nw_fp_scheme(&p, scheme, sizeof scheme);
    assert_string_equal(scheme, NW_FP_SCHEME_DEFAULT);
    nw_fingerprint fp;
    yajl_val root = written("The central bank raised its main interest rate by half a point on "
                            "Tuesday, citing inflation that has run above its target for a year.",
                            scheme, &fp);
    assert_int_equal(fp.nanchors, 16);
    nw_err err = {0};
    nw_fp_read r;
    assert_int_equal(read_back(root, scheme, &r, &err), NW_OK);
    assert_int_equal(r.shingles, fp.shingles);
    assert_memory_equal(r.sig, fp.minhash, sizeof r.sig);
    assert_int_equal(r.nanchors, fp.nanchors);
    assert_memory_equal(r.anchors, fp.anchors, fp.nanchors * sizeof *r.anchors);
    assert_true(fp.nexact > 20 && fp.nexact == r.nexact); /* a short text: its exact set */
    assert_memory_equal(r.exact, fp.exact, fp.nexact * sizeof *r.exact);
    /* each value's whole key travels too (exact_lo), and its top half is the value */
    assert_int_equal(r.nkeys, fp.nexact);
    assert_memory_equal(r.exact_keys, fp.exact_keys, fp.nexact * sizeof *r.exact_keys);
    for (size_t i = 0; i < fp.nexact; i++) {
        assert_int_equal(fp.exact_keys[i] >> 16, fp.exact[i]);
    }
    assert_true(fp.nmasked > 20 && fp.nmasked == r.nmasked); /* and its masked set */
    assert_memory_equal(r.masked, fp.masked, fp.nmasked * sizeof *r.masked);
    assert_int_equal(read_back(root, "v2-other", &r, &err), NW_E_INPUT);
    assert_string_equal(err.reason, "scheme_mismatch");
    yajl_tree_free(root);
}

/* Masking can split what folding joins ("the Reserve Bank" and "the bank said": one shingle
 * plain, two masked), so a masked set may outnumber the shingles; such a text is read back
 * (it once went to the dead-letter topic: 45 of 10,000 Reuters articles). */
static void test_fp_json_masked_may_be_larger(void **state)
{
    (void)state;
    nw_fingerprint fp;
    yajl_val root =
        written("The Reserve Bank said it would act. The bank said it would act.", "s", &fp);
    assert_true(fp.nmasked > fp.shingles);
    nw_err err = {0};
    nw_fp_read r;
    assert_int_equal(read_back(root, "s", &r, &err), NW_OK);
    assert_int_equal(r.nmasked, fp.nmasked);
    yajl_tree_free(root);
}

static void test_fp_json_refuses_damage(void **state)
{
    (void)state;
    char sig[700] = "", json[1200];
    for (int i = 0; i < 170; i++) { /* 512 zero bytes in base64: "AAAA" per 3 bytes */
        strcat(sig, "AAAA");
    }
    strcat(sig, "AAA="); /* 170 x 3 + 2 = 512 */
    struct {
        const char *anchors; /* the member, or "" */
        int rc;
        const char *reason;
    } cases[] = {
        {"", NW_OK, NULL},                                              /* before anchors: none */
        {",\"anchors\":\"AQAAAAIAAAA=\"", NW_OK, NULL},                 /* 1, 2 */
        {",\"anchors\":\"AgAAAAEAAAA=\"", NW_E_INPUT, "bad_signature"}, /* 2, 1: not ascending */
        {",\"anchors\":\"AQAA\"", NW_E_INPUT, "bad_signature"},         /* 3 bytes */
        {",\"anchors\":7", NW_E_INPUT, "bad_field_type"},
        {",\"exact\":\"AQACAA==\"", NW_OK, NULL},                         /* 1, 2 */
        {",\"exact\":\"AgABAA==\"", NW_E_INPUT, "bad_signature"},         /* 2, 1: not ascending */
        {",\"exact\":\"AQACAAMABAAFAAYA\"", NW_E_INPUT, "bad_signature"}, /* 6 > 5 shingles */
        /* a masked set larger than the shingle count is fine: case splits masked words */
        {",\"exact\":\"AQA=\",\"masked\":\"AQACAAMABAAFAAYA\"", NW_OK, NULL},
        /* the keys' low halves: one per exact value, any order */
        {",\"exact\":\"AQACAA==\",\"exact_lo\":\"AgABAA==\"", NW_OK, NULL},
        {",\"exact\":\"AQACAA==\",\"exact_lo\":\"AgA=\"", NW_E_INPUT, "bad_signature"},
        {",\"exact\":\"AQACAA==\",\"exact_lo\":2", NW_E_INPUT, "bad_field_type"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(json, sizeof json, "{\"scheme\":\"s\",\"shingles\":5,\"minhash\":\"%s\"%s}", sig,
                 cases[i].anchors);
        nw_err err = {0};
        yajl_val fp = fp_of(json, &err);
        nw_fp_read r;
        assert_int_equal(nw_fp_json_read(fp, "s", &r, &err), cases[i].rc);
        if (cases[i].reason) {
            assert_string_equal(err.reason, cases[i].reason);
        } else {
            assert_int_equal(r.nanchors + r.nexact + r.nmasked, i == 0 ? 0 : i == 8 ? 7 : 2);
            assert_int_equal(r.nkeys, i == 9 ? 2 : 0);
        }
        if (i == 9) { /* 1 << 16 | 2, 2 << 16 | 1 */
            assert_true(r.exact_keys[0] == 0x10002 && r.exact_keys[1] == 0x20001);
        }
        yajl_tree_free(fp);
    }
    nw_err err = {0};
    nw_fp_read r;
    assert_int_equal(nw_fp_json_read(NULL, "s", &r, &err), NW_E_INPUT);
    assert_string_equal(err.reason, "missing_field");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anchor_counts_follow_size),
        cmocka_unit_test(test_contained_text_shares_an_anchor),
        cmocka_unit_test(test_anchors_are_consistent),
        cmocka_unit_test(test_index_anchors_are_a_prefix_of_the_sample),
        cmocka_unit_test(test_anchor_least_sets_a_short_texts_count),
        cmocka_unit_test(test_anchor_params_checked),
        cmocka_unit_test(test_exact_sets),
        cmocka_unit_test(test_sort_u32),
        cmocka_unit_test(test_fp_json_round_trip),
        cmocka_unit_test(test_fp_json_refuses_damage),
        cmocka_unit_test(test_fp_json_masked_may_be_larger),
    };
    return cmocka_run_group_tests_name("anchors", tests, NULL, NULL);
}
