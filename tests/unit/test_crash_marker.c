/* test_crash_marker.c - the in-flight marker's round trip and the restart's verdicts: a batch
 * is isolated, a lone message is dead-lettered when the stage died of its own doing, when the
 * watchdog stopped it, or on the second outside kill; other streams' and settled markers are
 * ignored; broken markers are refused, never half-read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <string.h>

#include "core/crash_marker.h"

#define SCOPE "127.0.0.1:9092|nearwire-clean|news.raw"

typedef struct reader {
    nw_mark_msg store[8];
    nw_suspects s;
    nw_err err;
} reader;

/* Encodes a marker of n messages (partition 0, offsets 10, 11, ...) and reads it back. */
static int roundtrip(reader *r, nw_mark_state st, int retry, size_t n, const char *scope)
{
    nw_mark_msg m[8];
    for (size_t i = 0; i < n; i++) {
        m[i] = (nw_mark_msg){0, 10 + (int64_t)i, 0};
    }
    char buf[1024];
    assert_true(nw_mark_encoded_max(n, strlen(SCOPE)) <= sizeof buf);
    size_t len = nw_mark_encode(buf, sizeof buf, st, retry, SCOPE, m, n);
    assert_memory_equal(buf + NW_MARK_STATE_AT, nw_mark_state_word(st), NW_MARK_STATE_LEN);
    memset(r, 0, sizeof *r);
    r->s.msgs = r->store;
    r->s.cap = 8;
    nw_err_clear(&r->err);
    return nw_suspects_read(&r->s, buf, len, scope, &r->err);
}

static void test_batch_is_isolated_then_passed(void **state)
{
    (void)state;
    reader r;
    assert_int_equal(roundtrip(&r, NW_MARK_RUNNING, 0, 3, SCOPE), 0);
    assert_int_equal(r.s.n, 3);
    assert_int_equal(r.store[2].offset, 12);
    assert_true(nw_suspects_pending(&r.s));
    assert_int_equal(nw_suspects_judge(&r.s, 0, 9, &r.err), NW_VERDICT_NONE);
    assert_int_equal(nw_suspects_judge(&r.s, 1, 10, &r.err), NW_VERDICT_NONE); /* other part. */
    assert_int_equal(nw_suspects_judge(&r.s, 0, 10, &r.err), NW_VERDICT_ISOLATE);
    assert_int_equal(nw_suspects_judge(&r.s, 0, 10, &r.err), NW_VERDICT_NONE); /* judged once */
    assert_true(nw_suspects_pending(&r.s));
    /* offset 11 was compacted away: reaching 12 passes it too */
    assert_int_equal(nw_suspects_judge(&r.s, 0, 12, &r.err), NW_VERDICT_ISOLATE);
    assert_false(nw_suspects_pending(&r.s));
}

static void test_lone_message_verdicts(void **state)
{
    (void)state;
    reader r;
    /* killed from outside once: one more try, alone */
    assert_int_equal(roundtrip(&r, NW_MARK_RUNNING, 0, 1, SCOPE), 0);
    assert_int_equal(nw_suspects_judge(&r.s, 0, 10, &r.err), NW_VERDICT_ISOLATE);
    /* killed again on that try: dead-lettered */
    assert_int_equal(roundtrip(&r, NW_MARK_RUNNING, 1, 1, SCOPE), 0);
    assert_int_equal(nw_suspects_judge(&r.s, 0, 10, &r.err), NW_VERDICT_CONDEMN);
    assert_string_equal(r.err.reason, "crashed");
    /* a fatal signal of its own: at once */
    assert_int_equal(roundtrip(&r, NW_MARK_CRASHED, 0, 1, SCOPE), 0);
    assert_int_equal(nw_suspects_judge(&r.s, 0, 10, &r.err), NW_VERDICT_CONDEMN);
    assert_string_equal(r.err.reason, "crashed");
    /* the CPU watchdog: too_complex */
    assert_int_equal(roundtrip(&r, NW_MARK_TIMEOUT, 0, 1, SCOPE), 0);
    assert_int_equal(nw_suspects_judge(&r.s, 0, 10, &r.err), NW_VERDICT_CONDEMN);
    assert_string_equal(r.err.reason, "too_complex");
    /* a batch the watchdog stopped is isolated first */
    assert_int_equal(roundtrip(&r, NW_MARK_TIMEOUT, 0, 2, SCOPE), 0);
    assert_int_equal(nw_suspects_judge(&r.s, 0, 11, &r.err), NW_VERDICT_ISOLATE);
}

static void test_ignored_markers(void **state)
{
    (void)state;
    reader r;
    assert_int_equal(roundtrip(&r, NW_MARK_SETTLED, 0, 2, SCOPE), 0);
    assert_int_equal(r.s.n, 0);
    assert_int_equal(roundtrip(&r, NW_MARK_CRASHED, 0, 2, "127.0.0.1:9093|nearwire-clean|news.raw"),
                     0);
    assert_int_equal(r.s.n, 0); /* another cluster's offsets mean nothing here */
    assert_int_equal(nw_suspects_judge(&r.s, 0, 10, &r.err), NW_VERDICT_NONE);
    assert_int_equal(nw_suspects_read(&r.s, "", 0, SCOPE, &r.err), 0); /* a new file */
    assert_int_equal(r.s.n, 0);
}

static void test_broken_markers_refused(void **state)
{
    (void)state;
    reader r;
    memset(&r, 0, sizeof r);
    r.s.msgs = r.store;
    r.s.cap = 8;
    static const char *const bad[] = {
        "hello\n",
        "nwmark1 dancing\nscope " SCOPE "\nretry 0\nn 1\n0 10\nend\n",
        "nwmark1 running\nscope " SCOPE "\nretry 0\nn 2\n0 10\nend\n",
        "nwmark1 running\nscope " SCOPE "\nretry 0\nn 1\n0 10\n",
        "nwmark1 running\nscope " SCOPE "\nretry 0\nn 1\nzero ten\nend\n",
        "nwmark1 running\nscope " SCOPE "\nn 1\n0 10\nend\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(nw_suspects_read(&r.s, bad[i], strlen(bad[i]), SCOPE, &r.err), -1);
        assert_int_equal(r.s.n, 0);
        assert_string_equal(r.err.reason, "bad_marker");
    }
    /* a longer marker left over after "end" is ignored */
    const char *ok = "nwmark1 crashed\nscope " SCOPE "\nretry 0\nn 1\n0 10\nend\n3 4\nend\n";
    assert_int_equal(nw_suspects_read(&r.s, ok, strlen(ok), SCOPE, &r.err), 0);
    assert_int_equal(r.s.n, 1);
}

static void test_more_messages_than_room(void **state)
{
    (void)state;
    nw_mark_msg m[5] = {{0, 1, 0}, {0, 2, 0}, {0, 3, 0}, {0, 4, 0}, {0, 5, 0}};
    char buf[512];
    size_t len = nw_mark_encode(buf, sizeof buf, NW_MARK_RUNNING, 0, SCOPE, m, 5);
    nw_mark_msg store[2];
    nw_suspects s = {.msgs = store, .cap = 2};
    nw_err err;
    assert_int_equal(nw_suspects_read(&s, buf, len, SCOPE, &err), 0);
    assert_int_equal(s.n, 2); /* the first ones stay suspect; the rest run normally */
    assert_int_equal(store[1].offset, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_is_isolated_then_passed),
        cmocka_unit_test(test_lone_message_verdicts),
        cmocka_unit_test(test_ignored_markers),
        cmocka_unit_test(test_broken_markers_refused),
        cmocka_unit_test(test_more_messages_than_room),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
