/* test_shard_expiry.c - a shard key's expiry is due once per minute and generation, and again
 * after a failed batch; a shard's sweep once per generation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>

#include "core/shard_expiry.h"

static void test_once_per_shard_until_forgotten(void **state)
{
    (void)state;
    nw_shard_expiry e;
    nw_shard_expiry_init(&e, 4096);
    nw_shard_expiry_begin(&e, 7, 1000.0);
    assert_int_equal(nw_shard_expiry_due(&e, 0), 1);
    assert_int_equal(nw_shard_expiry_due(&e, 4095), 1);
    assert_int_equal(nw_shard_expiry_due(&e, 0), 0);
    assert_int_equal(nw_shard_expiry_due(&e, 4095), 0);
    assert_int_equal(nw_shard_expiry_due(&e, 8), 1); /* a neighbour in the same byte */
    nw_shard_expiry_forget(&e);                      /* a batch failed */
    assert_int_equal(nw_shard_expiry_due(&e, 0), 1);
    nw_shard_expiry_release(&e);
}

static void test_new_minute_or_generation_sets_again(void **state)
{
    (void)state;
    nw_shard_expiry e;
    nw_shard_expiry_init(&e, 16);
    nw_shard_expiry_begin(&e, 7, 1000.0);
    assert_int_equal(nw_shard_expiry_due(&e, 3), 1);
    nw_shard_expiry_begin(&e, 7, 1059.0); /* the same minute */
    assert_int_equal(nw_shard_expiry_due(&e, 3), 0);
    nw_shard_expiry_begin(&e, 7, 1060.0); /* a minute on */
    assert_int_equal(nw_shard_expiry_due(&e, 3), 1);
    nw_shard_expiry_begin(&e, 8, 1061.0); /* the next generation */
    assert_int_equal(nw_shard_expiry_due(&e, 3), 1);
    assert_int_equal(nw_shard_expiry_due(&e, 3), 0);
    nw_shard_expiry_release(&e);
}

static void test_once_a_generation(void **state)
{
    (void)state;
    nw_shard_expiry e; /* a shard's sweep: due once a generation, however many minutes */
    nw_shard_expiry_init(&e, 16);
    nw_shard_expiry_begin_generation(&e, 7);
    assert_int_equal(nw_shard_expiry_due(&e, 3), 1);
    nw_shard_expiry_begin_generation(&e, 7);
    assert_int_equal(nw_shard_expiry_due(&e, 3), 0);
    nw_shard_expiry_begin_generation(&e, 8);
    assert_int_equal(nw_shard_expiry_due(&e, 3), 1);
    nw_shard_expiry_forget(&e); /* a batch failed: a sweep may not have run */
    assert_int_equal(nw_shard_expiry_due(&e, 3), 1);
    nw_shard_expiry_release(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_once_per_shard_until_forgotten),
        cmocka_unit_test(test_new_minute_or_generation_sets_again),
        cmocka_unit_test(test_once_a_generation),
    };
    return cmocka_run_group_tests_name("shard_expiry", tests, NULL, NULL);
}
