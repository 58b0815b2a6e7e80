/* test_inflight.c - offsets are stored only over fully acknowledged prefixes of the consume
 * order, per partition with the highest retired offset; failures stop retirement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>

#include "core/inflight.h"

typedef struct stored {
    int n;
    int32_t part[16];
    int64_t next[16];
} stored;

static void store(void *arg, int32_t p, int64_t next)
{
    stored *s = arg;
    s->part[s->n] = p;
    s->next[s->n++] = next;
}

static void test_in_order_prefix_only(void **state)
{
    (void)state;
    nw_inflight f;
    assert_int_equal(nw_inflight_init(&f, 4), 0);
    nw_inflight_entry *a = nw_inflight_push(&f, 0, 10);
    nw_inflight_entry *b = nw_inflight_push(&f, 1, 20);
    nw_inflight_entry *c = nw_inflight_push(&f, 0, 11);
    nw_inflight_add_output(a);
    nw_inflight_add_output(b);
    nw_inflight_add_output(c);
    nw_inflight_done(a, 0);
    nw_inflight_done(b, 0);
    nw_inflight_done(c, 0); /* all sealed; outputs outstanding */
    stored s = {0};
    int failed;
    nw_inflight_done(c, 0); /* c acknowledged first: nothing may be stored yet */
    assert_int_equal(nw_inflight_retire(&f, store, &s, &failed), 0);
    assert_int_equal(s.n, 0);
    nw_inflight_done(a, 0);
    assert_int_equal(nw_inflight_retire(&f, store, &s, &failed), 1);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.part[0], 0);
    assert_int_equal(s.next[0], 11);
    nw_inflight_done(b, 0);
    s.n = 0;
    assert_int_equal(nw_inflight_retire(&f, store, &s, &failed), 2);
    assert_int_equal(s.n, 2); /* partition 1 -> 21, partition 0 -> 12 */
    assert_int_equal(s.next[0] + s.next[1], 33);
    assert_int_equal(f.count, 0);
    nw_inflight_release(&f);
}

static void test_unsealed_entry_is_not_done(void **state)
{
    (void)state;
    nw_inflight f;
    nw_inflight_init(&f, 2);
    nw_inflight_entry *a = nw_inflight_push(&f, 3, 7);
    nw_inflight_add_output(a);
    nw_inflight_done(a, 0); /* its only output acknowledged, but not sealed yet */
    stored s = {0};
    int failed;
    assert_int_equal(nw_inflight_retire(&f, store, &s, &failed), 0);
    nw_inflight_done(a, 0); /* seal */
    assert_int_equal(nw_inflight_retire(&f, store, &s, &failed), 1);
    assert_int_equal(s.next[0], 8);
    nw_inflight_release(&f);
}

static void test_full_ring_and_failure(void **state)
{
    (void)state;
    nw_inflight f;
    nw_inflight_init(&f, 2);
    nw_inflight_entry *a = nw_inflight_push(&f, 0, 1);
    nw_inflight_push(&f, 0, 2);
    assert_null(nw_inflight_push(&f, 0, 3));
    assert_int_equal(nw_inflight_free(&f), 0);
    nw_inflight_add_output(a);
    nw_inflight_done(a, 0);
    nw_inflight_done(a, 1); /* delivery failed */
    stored s = {0};
    int failed;
    assert_int_equal(nw_inflight_retire(&f, store, &s, &failed), 0);
    assert_int_equal(failed, 1);
    assert_int_equal(s.n, 0);
    nw_inflight_release(&f);
}

/* exactly-once: an aborted transaction's entries fail (purged outputs); the ring is settled
 * only when every report is in, then emptied failed entries and all */
static void test_settled_then_cleared(void **state)
{
    (void)state;
    nw_inflight f;
    assert_int_equal(nw_inflight_init(&f, 4), 0);
    nw_inflight_entry *a = nw_inflight_push(&f, 0, 10);
    nw_inflight_entry *b = nw_inflight_push(&f, 0, 11);
    nw_inflight_add_output(a);
    nw_inflight_add_output(b);
    nw_inflight_done(a, 0);
    assert_false(nw_inflight_settled(&f)); /* b unsealed, a's output unreported */
    nw_inflight_done(b, 0);
    nw_inflight_done(a, 1);
    assert_false(nw_inflight_settled(&f)); /* b's output unreported */
    nw_inflight_done(b, 1);
    assert_true(nw_inflight_settled(&f));
    nw_inflight_clear(&f);
    assert_int_equal(f.count, 0);
    assert_int_equal(nw_inflight_free(&f), 4);
    assert_non_null(nw_inflight_push(&f, 1, 5));
    assert_false(nw_inflight_settled(&f));
    nw_inflight_release(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order_prefix_only),
        cmocka_unit_test(test_unsealed_entry_is_not_done),
        cmocka_unit_test(test_full_ring_and_failure),
        cmocka_unit_test(test_settled_then_cleared),
    };
    return cmocka_run_group_tests_name("inflight", tests, NULL, NULL);
}
