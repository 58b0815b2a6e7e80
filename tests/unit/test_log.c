/* test_log.c - logfmt values are quoted so that a parser reads them back whole: quotes,
 * backslashes, newlines and control bytes escaped, long values cut inside the quotes; the
 * same lines as JSON objects for log.format = json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/logfmt_json.h"
#include "io/log.h"

static const char *as_json(const char *line, size_t cap)
{
    static char out[1024];
    size_t n = nw_logfmt_to_json(line, strlen(line), out, cap);
    assert_int_equal(n, strlen(out));
    return out;
}

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

/* Quoted values keep their escapes, bare numbers stay numbers, everything else is a string. */
static void test_json_lines(void **state)
{
    (void)state;
    char q[128];
    nw_log_quote(q, sizeof q, "redis.url \"http://foo\"\nnext\x01");
    char line[256];
    snprintf(line, sizeof line,
             "ts=2026-12-02T07:00:00.000Z event=x detail=%s n=42 r=-0.5 "
             "v=1.2.3 id=007 path=/a\\b\n",
             q);
    assert_string_equal(as_json(line, 1024),
                        "{\"ts\":\"2026-12-02T07:00:00.000Z\",\"event\":\"x\",\"detail\":"
                        "\"redis.url \\\"http://foo\\\"\\nnext\\u0001\",\"n\":42,\"r\":-0.5,"
                        "\"v\":\"1.2.3\",\"id\":\"007\",\"path\":\"/a\\\\b\"}");
    /* text that is no pair, an empty value, a backslash JSON does not know, an open quote */
    assert_string_equal(as_json("starting now a= b=\"x\\qy\" c=\"open", 1024),
                        "{\"msg\":\"starting\",\"msg\":\"now\",\"a\":\"\",\"b\":\"x\\\\qy\","
                        "\"c\":\"open\"}");
    /* a line longer than the buffer loses whole pairs and stays one object */
    assert_string_equal(as_json("event=x detail=\"a long value\"", 16), "{\"event\":\"x\"}");
    assert_string_equal(as_json("", 16), "{}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_escapes),
        cmocka_unit_test(test_logq_buffers_per_line),
        cmocka_unit_test(test_json_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
