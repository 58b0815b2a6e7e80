/* test_log.c - logfmt values are quoted so that a parser reads them back whole: quotes,
 * backslashes, newlines and control bytes escaped, long values cut inside the quotes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <string.h>

#include "io/log.h"

static void test_quote_escapes(void **state)
{
    (void)state;
    char b[128];
    nw_log_quote(b, sizeof b, "redis.url \"http://foo\" must start\nwith redis://\t\\ \x01");
    assert_string_equal(
        b, "\"redis.url \\\"http://foo\\\" must start\\nwith redis://\\t\\\\ \\u0001\"");
    nw_log_quote(b, sizeof b, NULL);
    assert_string_equal(b, "\"\"");
    nw_log_quote(b, 12, "a long value that is cut");
    assert_int_equal(b[strlen(b) - 1], '"'); /* still closed */
    assert_true(strlen(b) < 12);
}

static void test_logq_buffers_per_line(void **state)
{
    (void)state;
    const char *a = nw_logq("one"), *b = nw_logq("two");
    assert_string_equal(a, "\"one\""); /* the second call did not overwrite the first */
    assert_string_equal(b, "\"two\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_escapes),
        cmocka_unit_test(test_logq_buffers_per_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
