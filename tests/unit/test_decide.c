/* test_decide.c - the store's decision logic: thresholds to relations, dup_of = highest
 * containment (then Jaccard, then the earliest), story = the oldest story among related
 * candidates. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "match/decide.h"

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

static nw_candidate cand(const char *id, const char *story, int64_t seen, int64_t story_seen,
                         double j, double c)
{
    nw_candidate x;
    memset(&x, 0, sizeof x);
    x.id = id;
    x.story_id = story;
    x.first_seen_ms = seen;
    x.story_first_ms = story_seen;
    x.jaccard = j;
    x.containment = c;
    return x;
}

static void test_no_candidates_is_new(void **state)
{
    (void)state;
    nw_decision d;
    nw_decide(&P, NULL, 0, &d);
    assert_int_equal(d.dup_of, -1);
    assert_int_equal(d.story_from, -1);
    assert_int_equal(d.nmatches, 0);
}

/* The seeds' 003: a duplicate of 002, a story sibling of 000 and 001, all one story. */
static void test_seed_003(void **state)
{
    (void)state;
    nw_candidate c[4] = {cand("000", "000", 100, 100, 0.18, 0.48),
                         cand("001", "000", 200, 100, 0.16, 0.37),
                         cand("002", "000", 300, 100, 0.27, 0.71),
                         cand("004", "004", 400, 400, 0.01, 0.02)};
    nw_decision d;
    nw_decide(&P, c, 4, &d);
    assert_int_equal(d.nmatches, 3);
    assert_string_equal(c[d.dup_of].id, "002");
    assert_string_equal(c[0].id, "002"); /* sorted by containment */
    assert_string_equal(c[d.story_from].story_id, "000");
    assert_int_equal(c[3].relation, NW_REL_NONE);
}

static void test_ties_go_to_the_earliest(void **state)
{
    (void)state;
    nw_candidate c[2] = {cand("late", "s2", 500, 500, 0.6, 0.9),
                         cand("early", "s1", 100, 100, 0.6, 0.9)};
    nw_decision d;
    nw_decide(&P, c, 2, &d);
    assert_string_equal(c[d.dup_of].id, "early");
}

/* A short text is fully contained in its own copy and in a longer version alike: the copy
 * (higher Jaccard) is the one it duplicates, whichever came first. */
static void test_equal_containment_prefers_the_closer_copy(void **state)
{
    (void)state;
    nw_candidate c[2] = {cand("longer", "s1", 100, 100, 0.59, 1.0),
                         cand("copy", "s1", 500, 100, 1.0, 1.0)};
    nw_decision d;
    nw_decide(&P, c, 2, &d);
    assert_string_equal(c[d.dup_of].id, "copy");
}

/* A document related to two stories joins the older one, whatever the order it sees them. */
static void test_joins_pick_the_oldest_story(void **state)
{
    (void)state;
    nw_candidate c[2] = {cand("a", "young", 900, 800, 0.5, 0.8),
                         cand("b", "old", 950, 100, 0.2, 0.3)};
    nw_decision d;
    nw_decide(&P, c, 2, &d);
    assert_string_equal(c[d.dup_of].id, "a");
    assert_string_equal(c[d.story_from].story_id, "old");
    nw_candidate e[2] = {cand("b", "old", 950, 100, 0.2, 0.3),
                         cand("a", "young", 900, 800, 0.5, 0.8)};
    nw_decide(&P, e, 2, &d);
    assert_string_equal(e[d.story_from].story_id, "old");
}

/* Tiny texts (templated one-liners) are compared by Jaccard alone. */
static void test_small_sets_do_not_use_containment(void **state)
{
    (void)state;
    /* 10 shingles fully inside 400: J = 10/400 */
    assert_true(nw_match_containment(&P, 0.025, 10, 400) == 0.025);
    double c = nw_match_containment(&P, 0.25, 100, 400); /* B (100) inside A (400) */
    assert_true(c > 0.999 && c <= 1.0);
}

static void test_story_only_has_no_dup_of(void **state)
{
    (void)state;
    nw_candidate c[1] = {cand("000", "000", 100, 100, 0.23, 0.39)};
    nw_decision d;
    nw_decide(&P, c, 1, &d);
    assert_int_equal(d.dup_of, -1);
    assert_int_equal(d.story_from, 0);
    assert_string_equal(nw_relation_name(c[0].relation), "story");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_relation_thresholds, setup),
        cmocka_unit_test_setup(test_no_candidates_is_new, setup),
        cmocka_unit_test_setup(test_seed_003, setup),
        cmocka_unit_test_setup(test_ties_go_to_the_earliest, setup),
        cmocka_unit_test_setup(test_equal_containment_prefers_the_closer_copy, setup),
        cmocka_unit_test_setup(test_joins_pick_the_oldest_story, setup),
        cmocka_unit_test_setup(test_story_only_has_no_dup_of, setup),
        cmocka_unit_test_setup(test_small_sets_do_not_use_containment, setup),
    };
    return cmocka_run_group_tests_name("decide", tests, NULL, NULL);
}
