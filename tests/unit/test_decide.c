/* test_decide.c - the decision rules without Redis: thresholds to relations; the publication
 * order; dup_of = the best earlier duplicate (highest containment, then Jaccard, then the
 * earliest); revisions of stored match lists; and the property that the final state of a
 * stream (dup_of of every article, its story) does not depend on arrival order or batching. */
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

#include "core/nw_error.h"
#include "match/common_text.h"
#include "match/decide.h"
#include "match/order.h"
#include "match/sig_record.h"

static nw_match_params P;

static int setup(void **state)
{
    (void)state;
    nw_match_params_default(&P);
    P.dup_containment = 0.6;
    P.dup_jaccard = 0.5;
    P.story_containment = 0.15;
    P.story_jaccard = 0.1;
    return 0;
}

static void test_relation_thresholds(void **state)
{
    (void)state;
    assert_int_equal(nw_match_relation(&P, 0.27, 0.71), NW_REL_DUPLICATE); /* truncated copy */
    assert_int_equal(nw_match_relation(&P, 0.55, 0.40), NW_REL_DUPLICATE); /* high Jaccard */
    assert_int_equal(nw_match_relation(&P, 0.23, 0.39), NW_REL_STORY);
    assert_int_equal(nw_match_relation(&P, 0.11, 0.05), NW_REL_STORY);
    assert_int_equal(nw_match_relation(&P, 0.01, 0.02), NW_REL_NONE);
    assert_int_equal(nw_match_relation(&P, 0.0, 0.6), NW_REL_DUPLICATE); /* bounds inclusive */
}

static nw_candidate cand(const char *id, int64_t order, double j, double c)
{
    nw_candidate x;
    memset(&x, 0, sizeof x);
    x.id = id;
    x.order_ms = order;
    x.jaccard = j;
    x.containment = c;
    return x;
}

static void test_params_check(void **state)
{
    (void)state;
    assert_null(nw_match_params_check(&P));
    nw_match_params q = P;
    q.dup_containment = 1.7;
    assert_non_null(nw_match_params_check(&q));
    q = P;
    q.story_containment = 0.9; /* above the duplicate threshold */
    assert_non_null(nw_match_params_check(&q));
}

static void test_order(void **state)
{
    (void)state;
    int64_t arrival = 1800000000000LL, skew = 600000;
    assert_int_equal(nw_order_time(1, arrival - 5000, arrival, skew), arrival - 5000);
    assert_int_equal(nw_order_time(1, arrival + 1000, arrival, skew), arrival + 1000);
    assert_int_equal(nw_order_time(1, arrival + 3600000, arrival, skew), arrival); /* future */
    assert_int_equal(nw_order_time(1, 0, arrival, skew), arrival); /* a placeholder date */
    assert_int_equal(nw_order_time(0, 12345, arrival, skew), arrival);
    /* the seeds are from 2006: a backfill keeps its publication order */
    assert_int_equal(nw_order_time(1, 1158178740000LL, arrival, skew), 1158178740000LL);
    assert_true(nw_order_cmp(5, "b", 6, "a") < 0);
    assert_true(nw_order_cmp(5, "b", 5, "a") > 0); /* ties: the smaller id first */
    assert_int_equal(nw_order_cmp(5, "a", 5, "a"), 0);
}

static void test_no_candidates_is_new(void **state)
{
    (void)state;
    nw_decision d;
    nw_decide(&P, 100, "x", NULL, 0, &d);
    assert_int_equal(d.dup_of, -1);
    assert_int_equal(d.nmatches, 0);
    assert_int_equal(d.nlater, 0);
}

/* The seeds' 000 against the others, in publication order 002 < 003 < 000 < 001: 000 is a
 * story sibling of 002 and 003, duplicates nothing, and 001 (later) is reported, not taken. */
static void test_only_earlier_articles_are_originals(void **state)
{
    (void)state;
    nw_candidate c[4] = {cand("001", 400, 0.58, 0.73), cand("002", 100, 0.2, 0.39),
                         cand("003", 200, 0.3, 0.48), cand("004", 900, 0.01, 0.02)};
    nw_decision d;
    nw_decide(&P, 300, "000", c, 4, &d);
    assert_int_equal(d.dup_of, -1);
    assert_int_equal(d.nmatches, 2);
    assert_int_equal(d.nlater, 1);
    assert_string_equal(c[0].id, "003"); /* ranked by containment */
    assert_string_equal(c[1].id, "002");
    assert_string_equal(c[2].id, "001");
    assert_int_equal(c[2].relation, NW_REL_DUPLICATE);
    assert_false(c[2].earlier);
    assert_int_equal(c[3].relation, NW_REL_NONE);
}

static void test_ties_go_to_the_earliest(void **state)
{
    (void)state;
    nw_candidate c[2] = {cand("late", 500, 0.6, 0.9), cand("early", 100, 0.6, 0.9)};
    nw_decision d;
    nw_decide(&P, 900, "x", c, 2, &d);
    assert_string_equal(c[d.dup_of].id, "early");
    nw_candidate e[2] = {cand("b", 100, 0.6, 0.9), cand("a", 100, 0.6, 0.9)};
    nw_decide(&P, 900, "x", e, 2, &d);
    assert_string_equal(e[d.dup_of].id, "a"); /* same time: the smaller id */
}

/* A short text is fully contained in its own copy and in a longer version alike: the copy
 * (higher Jaccard) is the one it duplicates, whichever came first. */
static void test_equal_containment_prefers_the_closer_copy(void **state)
{
    (void)state;
    nw_candidate c[2] = {cand("longer", 100, 0.59, 1.0), cand("copy", 500, 1.0, 1.0)};
    nw_decision d;
    nw_decide(&P, 900, "x", c, 2, &d);
    assert_string_equal(c[d.dup_of].id, "copy");
}

/* A duplicate ranks above a story match even when the story match has more containment. */
static void test_duplicates_rank_first(void **state)
{
    (void)state;
    nw_candidate c[2] = {cand("story", 100, 0.3, 0.58), cand("dup", 200, 0.52, 0.55)};
    nw_decision d;
    nw_decide(&P, 900, "x", c, 2, &d);
    assert_string_equal(c[d.dup_of].id, "dup");
}

static void test_story_only_has_no_dup_of(void **state)
{
    (void)state;
    nw_candidate c[1] = {cand("000", 100, 0.23, 0.39)};
    nw_decision d;
    nw_decide(&P, 900, "x", c, 1, &d);
    assert_int_equal(d.dup_of, -1);
    assert_int_equal(d.nmatches, 1);
    assert_string_equal(nw_relation_name(c[0].relation), "story");
}

/* Tiny texts (templated one-liners) are compared by Jaccard alone. */
static void test_small_sets_do_not_use_containment(void **state)
{
    (void)state;
    /* 10 shingles fully inside 400: J = 10/400 */
    assert_true(nw_match_containment(&P, 0.025, 10, 400) == 0.025);
    double c = nw_match_containment(&P, 0.25, 100, 400); /* B (100) inside A (400) */
    assert_true(c > 0.999 && c <= 1.0);
    /* the same rule for exact sets: a 10-shingle text is not "contained" in whatever holds it */
    assert_true(nw_match_exact_containment(&P, 0.04, 1.0, 10, 250) == 0.04);
    assert_true(nw_match_exact_containment(&P, 0.4, 1.0, 100, 250) == 1.0);
}

/* The template guard: masking names and numbers lifts a template pair's containment; a real
 * partial copy keeps it; a copy with a corrected figure is near-identical and stays one. */
static void test_template_guard(void **state)
{
    (void)state;
    assert_true(nw_match_is_template(0.30, 0.68));  /* two SEC filing notices */
    assert_true(nw_match_is_template(0.62, 0.84));  /* convertible debt notices, "duplicates" */
    assert_false(nw_match_is_template(0.45, 0.47)); /* a story-level partial copy */
    assert_false(nw_match_is_template(0.95, 1.0));  /* a corrected figure */
    nw_candidate c[2] = {cand("a", 100, 0.3, 0.62), cand("b", 200, 0.3, 0.62)};
    c[0].template = 1;
    nw_decision d;
    nw_decide(&P, 900, "x", c, 2, &d);
    assert_int_equal(d.nmatches, 1); /* the template pair is no match */
    assert_string_equal(c[0].id, "b");
    assert_int_equal(d.dup_of, 0);
    assert_int_equal(c[1].relation, NW_REL_NONE);
}

/* Common text: two notices of one template share only counted-common shingles and are not
 * related; a copy with a corrected figure shares its rare ones (the name) too and stays one; a
 * pair sharing nothing common, or a text common through and through, is left to the
 * thresholds. Sets: values 0..39 in a (30 common: 0..29), b by case. */
static void test_common_text(void **state)
{
    (void)state;
    uint16_t a[40], b[40];
    uint8_t common[40];
    for (int i = 0; i < 40; i++) {
        a[i] = (uint16_t)i;
        common[i] = i < 30;
    }
    /* another notice: the 28 common values, then 12 of its own (100..111) */
    for (int i = 0; i < 40; i++) {
        b[i] = (uint16_t)(i < 28 ? i : 100 + i);
    }
    assert_true(nw_common_only(a, common, 40, b, 40, 0.12));
    /* the corrected figure: all but 4 of a's values (two of them rare) */
    for (int i = 0; i < 40; i++) {
        b[i] = (uint16_t)(i < 36 ? i + (i >= 30 ? 2 : 0) : 200 + i);
    }
    assert_false(nw_common_only(a, common, 40, b, 40, 0.12)); /* 6 of 10 rare shared */
    /* one rare value shared of 10: under 0.12 of the rare part */
    for (int i = 0; i < 40; i++) {
        b[i] = (uint16_t)(i < 29 ? i : i == 29 ? 35 : 300 + i);
    }
    assert_true(nw_common_only(a, common, 40, b, 40, 0.12));
    assert_false(nw_common_only(a, common, 40, b, 40, 0.09)); /* 1 of 10 passes a lower bar */
    /* nothing common shared: the thresholds decide */
    memset(common, 0, sizeof common);
    assert_false(nw_common_only(a, common, 40, a, 40, 0.12));
    /* a text common through and through (a notice resent as is) */
    memset(common, 1, sizeof common);
    assert_false(nw_common_only(a, common, 40, a, 40, 0.12));
    /* the decision: a common-only candidate is no match */
    nw_candidate c[2] = {cand("a", 100, 0.3, 0.62), cand("b", 200, 0.2, 0.3)};
    c[0].common = 1;
    nw_decision d;
    nw_decide(&P, 900, "x", c, 2, &d);
    assert_int_equal(d.nmatches, 1);
    assert_string_equal(c[0].id, "b");
    assert_int_equal(d.dup_of, -1);
    assert_int_equal(c[1].relation, NW_REL_NONE);
    /* the sketch's counter: fixed per key, within range, spread over the array */
    assert_int_equal(nw_common_slot(12345, 20), nw_common_slot(12345, 20));
    unsigned high = 0;
    for (uint32_t k = 0; k < 1000; k++) {
        uint32_t slot = nw_common_slot(k << 16, 20); /* keys alike in their low half */
        assert_true(slot < (1u << 20));
        high += slot >= (1u << 19);
    }
    assert_true(high > 430 && high < 570);
}

/* A short text inside a long page, checked against the page's anchors: a pair the MinHash
 * scales up from a few shared stock phrases is brought down; a real copy keeps its figure. */
static void test_sampled_containment(void **state)
{
    (void)state;
    const uint16_t tops[] = {10, 20, 30, 40, 50, 60}; /* below 60: the page's anchors */
    const uint16_t inside[] = {5, 10, 20, 30, 40, 50, 60, 70}, apart[] = {11, 21, 31, 41, 55, 61};
    unsigned k, m;
    nw_match_sample(inside, 8, tops, 6, &k, &m);
    assert_true(k == 5 && m == 6); /* 5 of 6 under the cut (60 is not: the cut's own half) */
    nw_match_sample(apart, 6, tops, 6, &k, &m);
    assert_true(k == 0 && m == 5);
    nw_match_sample(inside, 8, tops, 0, &k, &m);
    assert_true(k == 0 && m == 0);
    /* an estimate of 0.53 from the MinHash, 0 of 2 in the sample: not the same story (0.3) */
    assert_true(nw_match_sampled_containment(0.53, 0, 2) < 0.3);
    assert_true(nw_match_sampled_containment(0.36, 0, 1) < 0.3);
    /* a real copy: 9 of 10 sampled keeps its 0.8; nothing sampled keeps the estimate */
    assert_true(nw_match_sampled_containment(0.8, 9, 10) == 0.8);
    assert_true(nw_match_sampled_containment(0.46, 0, 0) == 0.46);
    assert_true(fabs(nw_match_sampled_containment(0.46, 5, 11) - 5.92 / 13) < 1e-9);
    /* from NW_SAMPLE_ALONE draws the sample decides, raising too: a whole copy the MinHash put
     * at 0.45 (16 of 16 sampled) is a duplicate (0.6), a 40-50% part (7 of 16) the same story,
     * two stock phrases (2 of 14, MinHash 0) nothing; one draw fewer only lowers */
    assert_true(nw_match_sampled_containment(0.45, 16, 16) >= 0.6);
    double part = nw_match_sampled_containment(0.5, 7, 16);
    assert_true(part >= 0.3 && part < 0.6);
    assert_true(nw_match_sampled_containment(0.0, 2, 14) < 0.3);
    assert_true(nw_match_sampled_containment(0.45, 11, 11) == 0.45);
    assert_true(fabs(nw_match_sampled_containment(0.46, 5, 13) - 6.84 / 17) < 1e-9);
}

static nw_candidate ranked(const char *id, int64_t order, double j, double c)
{
    nw_candidate x = cand(id, order, j, c);
    x.relation = nw_match_relation(&P, j, c);
    x.earlier = 1;
    return x;
}

static void test_matches_insert(void **state)
{
    (void)state;
    nw_candidate list[3] = {ranked("a", 100, 0.6, 0.9), ranked("b", 200, 0.2, 0.4)};
    size_t n = 2;
    nw_candidate better = ranked("c", 300, 0.7, 0.95);
    assert_int_equal(nw_matches_insert(list, &n, 3, &better), 1); /* a better original */
    assert_int_equal(n, 3);
    assert_string_equal(list[0].id, "c");
    assert_string_equal(list[1].id, "a");
    assert_int_equal(nw_matches_insert(list, &n, 3, &better), 0); /* known already */
    nw_candidate weak = ranked("d", 50, 0.1, 0.31);
    assert_int_equal(nw_matches_insert(list, &n, 3, &weak), 0); /* ranks below all three */
    nw_candidate mid = ranked("e", 50, 0.3, 0.5);
    assert_int_equal(nw_matches_insert(list, &n, 3, &mid), 1);
    assert_int_equal(n, 3);
    assert_string_equal(list[2].id, "e"); /* b dropped off the end */
}

/* The property: a stream decided as the store does it (each batch in publication order, a
 * document against everything stored or before it in its batch, later stored articles
 * revised by nw_matches_insert, stories joined to the earliest article) ends in the same
 * state whatever the arrival order and batching. */
#define SIM_N 80
#define SIM_MAX 5

typedef struct sim_doc {
    char id[8];
    int64_t order;
    nw_candidate matches[SIM_MAX];
    size_t nmatches;
    int parent, stored;
} sim_doc;

static double sim_j[SIM_N][SIM_N], sim_c[SIM_N][SIM_N];

static int sim_find(sim_doc *d, int i)
{
    while (d[i].parent != i) {
        i = d[i].parent;
    }
    return i;
}

static void sim_union(sim_doc *d, int a, int b)
{
    a = sim_find(d, a);
    b = sim_find(d, b);
    if (a != b) {
        if (nw_order_cmp(d[a].order, d[a].id, d[b].order, d[b].id) < 0) {
            d[b].parent = a;
        } else {
            d[a].parent = b;
        }
    }
}

static int64_t sim_order_of[SIM_N];

static int sim_cmp(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    char ia[8], ib[8];
    snprintf(ia, sizeof ia, "d%02d", a);
    snprintf(ib, sizeof ib, "d%02d", b);
    return nw_order_cmp(sim_order_of[a], ia, sim_order_of[b], ib);
}

static void sim_decide(sim_doc *d, int x)
{
    nw_candidate c[SIM_N];
    size_t n = 0;
    for (int y = 0; y < SIM_N; y++) {
        if (y != x && d[y].stored && (sim_j[x][y] > 0 || sim_c[x][y] > 0)) {
            c[n++] = cand(d[y].id, d[y].order, sim_j[x][y], sim_c[x][y]);
        }
    }
    nw_decision dec;
    nw_decide(&P, d[x].order, d[x].id, c, n, &dec);
    d[x].nmatches = dec.nmatches < SIM_MAX ? dec.nmatches : SIM_MAX;
    memcpy(d[x].matches, c, d[x].nmatches * sizeof *c);
    for (size_t k = 0; k < dec.nmatches + dec.nlater; k++) {
        int y = atoi(c[k].id + 1);
        sim_union(d, x, y);
        if (!c[k].earlier) {
            nw_candidate me = c[k];
            me.id = d[x].id;
            me.order_ms = d[x].order;
            nw_matches_insert(d[y].matches, &d[y].nmatches, SIM_MAX, &me);
        }
    }
    d[x].stored = 1;
}

/* Runs one arrival order in batches; writes "dup_of story" per document into out. */
static void sim_run(const int *arrival, unsigned seed, int out[SIM_N][2])
{
    static sim_doc d[SIM_N];
    for (int i = 0; i < SIM_N; i++) {
        snprintf(d[i].id, sizeof d[i].id, "d%02d", i);
        d[i].order = sim_order_of[i];
        d[i].nmatches = 0;
        d[i].parent = i;
        d[i].stored = 0;
    }
    for (int at = 0; at < SIM_N;) {
        int len = 1 + (int)(rand_r(&seed) % 12), batch[12];
        len = at + len > SIM_N ? SIM_N - at : len;
        memcpy(batch, arrival + at, (size_t)len * sizeof *batch);
        qsort(batch, (size_t)len, sizeof *batch, sim_cmp);
        for (int k = 0; k < len; k++) {
            sim_decide(d, batch[k]);
        }
        at += len;
    }
    for (int i = 0; i < SIM_N; i++) {
        int dup = d[i].nmatches && d[i].matches[0].relation == NW_REL_DUPLICATE;
        out[i][0] = dup ? atoi(d[i].matches[0].id + 1) : -1;
        out[i][1] = sim_find(d, i);
    }
}

static void test_final_state_ignores_arrival(void **state)
{
    (void)state;
    unsigned seed = 7;
    /* groups of related articles (copies, truncations, rewrites), some linked by a weak
     * story match; equal publication times on purpose, so ties are exercised */
    for (int i = 0; i < SIM_N; i++) {
        sim_order_of[i] = 1000 * (int64_t)(rand_r(&seed) % 40);
        for (int k = 0; k < SIM_N; k++) {
            sim_j[i][k] = sim_c[i][k] = 0;
        }
    }
    for (int i = 0; i < SIM_N; i++) {
        for (int k = i + 1; k < SIM_N; k++) {
            double r = (double)rand_r(&seed) / RAND_MAX;
            int same_group = i / 6 == k / 6;
            if (same_group || r < 0.02) {
                double j = same_group ? 0.05 + 0.9 * ((double)rand_r(&seed) / RAND_MAX) : 0.1;
                double c = j + (1 - j) * ((double)rand_r(&seed) / RAND_MAX) * 0.8;
                if (same_group && r < 0.2) {
                    j = 1.0, c = 1.0; /* exact resends: ties broken by the order */
                }
                sim_j[i][k] = sim_j[k][i] = j;
                sim_c[i][k] = sim_c[k][i] = c;
            }
        }
    }
    int first[SIM_N][2], other[SIM_N][2], arrival[SIM_N];
    for (int i = 0; i < SIM_N; i++) {
        arrival[i] = i;
    }
    qsort(arrival, SIM_N, sizeof *arrival, sim_cmp); /* published order, batches of 1..12 */
    sim_run(arrival, 1, first);
    int dups = 0;
    for (int i = 0; i < SIM_N; i++) {
        dups += first[i][0] >= 0;
        if (first[i][0] >= 0) { /* a duplicate is in its original's story */
            assert_int_equal(first[i][1], first[first[i][0]][1]);
            assert_true(sim_cmp(&first[i][0], &i) < 0); /* and the original is earlier */
        }
    }
    assert_true(dups > 10);
    for (int trial = 0; trial < 200; trial++) {
        for (int i = SIM_N - 1; i > 0; i--) {
            int k = (int)(rand_r(&seed) % (unsigned)(i + 1)), t = arrival[i];
            arrival[i] = arrival[k];
            arrival[k] = t;
        }
        sim_run(arrival, (unsigned)trial, other);
        assert_memory_equal(first, other, sizeof first);
    }
}

/* The store's record: what is written is read back, and damaged bytes are refused. */
static void test_record_round_trip(void **state)
{
    (void)state;
    static nw_sig_record r, back;
    uint8_t sig[NW_MINHASH_BINS];
    for (int i = 0; i < NW_MINHASH_BINS; i++) {
        sig[i] = (uint8_t)(i * 7);
    }
    memset(&r, 0, sizeof r);
    r.revision = 3;
    r.shingles = 284;
    r.first_seen_ms = 1700000000123LL;
    r.order_ms = 1158105960000LL;
    r.id = (nw_bytes){"003", 3};
    r.sig = sig;
    nw_buf b;
    nw_buf_init(&b);
    assert_int_equal(nw_sig_record_encode(&r, &b), NW_OK); /* undecided: the claim */
    assert_int_equal(nw_sig_record_decode(b.data, b.len, &back), 0);
    assert_false(back.decided);
    assert_int_equal(back.order_ms, r.order_ms);
    assert_int_equal(back.nexact, 0);
    /* a version 3 record (written before exact sets: no counts after the id) and a version 4
     * one (before tops: two counts) are still read */
    for (int v = 3; v <= 4; v++) {
        nw_buf old;
        nw_buf_init(&old);
        assert_int_equal(nw_buf_append(&old, b.data, b.len - (v == 3 ? 6 : 2)), NW_OK);
        old.data[0] = (char)v;
        assert_int_equal(nw_sig_record_decode(old.data, old.len, &back), 0);
        assert_int_equal(back.nexact + back.ntops, 0);
        assert_memory_equal(back.id.p, "003", 3);
        nw_buf_release(&old);
    }
    const uint8_t exact[6] = {1, 0, 2, 0, 0, 1}; /* 1, 2, 256 */
    r.exact = exact;
    r.nexact = 3;
    r.masked = exact + 2;
    r.nmasked = 2;
    r.tops = exact; /* (a record has tops or an exact set; the codec takes both) */
    r.ntops = 2;
    r.decided = 1;
    r.story = (nw_bytes){"002", 3};
    r.story_order_ms = 1158105600000LL;
    r.nmatches = 1;
    r.matches[0] = (nw_rec_match){{"002", 3}, 1158105600000LL, 0.2706, 0.7041, NW_REL_DUPLICATE};
    r.nmerged = 1;
    r.merged[0] = (nw_bytes){"000", 3};
    r.nrevised = 2;
    r.revised[0] = (nw_bytes){"000", 3};
    r.revised[1] = (nw_bytes){"001", 3};
    nw_buf_reset(&b);
    assert_int_equal(nw_sig_record_encode(&r, &b), NW_OK);
    assert_int_equal(nw_sig_record_decode(b.data, b.len, &back), 0);
    assert_true(back.decided);
    assert_int_equal(back.revision, 3);
    assert_int_equal(back.shingles, 284);
    assert_int_equal(back.first_seen_ms, r.first_seen_ms);
    assert_memory_equal(back.sig, sig, NW_MINHASH_BINS);
    assert_int_equal(back.nexact, 3);
    assert_memory_equal(back.exact, exact, sizeof exact);
    assert_int_equal(back.nmasked, 2);
    assert_memory_equal(back.masked, exact + 2, 4);
    assert_int_equal(back.ntops, 2);
    assert_memory_equal(back.tops, exact, 4);
    assert_memory_equal(back.story.p, "002", 3);
    assert_int_equal(back.story_order_ms, r.story_order_ms);
    assert_int_equal(back.nmatches, 1);
    assert_true(back.matches[0].containment == 0.7041);
    assert_int_equal(back.matches[0].relation, NW_REL_DUPLICATE);
    assert_int_equal(back.nmerged, 1);
    assert_memory_equal(back.merged[0].p, "000", 3);
    assert_int_equal(back.nrevised, 2);
    assert_memory_equal(back.revised[1].p, "001", 3);
    /* cut short, or a byte more: not a record */
    assert_int_equal(nw_sig_record_decode(b.data, b.len - 1, &back), -1);
    nw_buf_putc(&b, 'x');
    assert_int_equal(nw_sig_record_decode(b.data, b.len, &back), -1);
    b.data[0] = 2; /* the version before decisions were binary */
    assert_int_equal(nw_sig_record_decode(b.data, b.len - 1, &back), -1);
    nw_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_relation_thresholds, setup),
        cmocka_unit_test_setup(test_template_guard, setup),
        cmocka_unit_test_setup(test_params_check, setup),
        cmocka_unit_test_setup(test_order, setup),
        cmocka_unit_test_setup(test_no_candidates_is_new, setup),
        cmocka_unit_test_setup(test_only_earlier_articles_are_originals, setup),
        cmocka_unit_test_setup(test_ties_go_to_the_earliest, setup),
        cmocka_unit_test_setup(test_equal_containment_prefers_the_closer_copy, setup),
        cmocka_unit_test_setup(test_duplicates_rank_first, setup),
        cmocka_unit_test_setup(test_story_only_has_no_dup_of, setup),
        cmocka_unit_test_setup(test_small_sets_do_not_use_containment, setup),
        cmocka_unit_test_setup(test_matches_insert, setup),
        cmocka_unit_test_setup(test_common_text, setup),
        cmocka_unit_test_setup(test_sampled_containment, setup),
        cmocka_unit_test_setup(test_final_state_ignores_arrival, setup),
        cmocka_unit_test(test_record_round_trip),
    };
    return cmocka_run_group_tests_name("decide", tests, NULL, NULL);
}
