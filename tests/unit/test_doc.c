/* test_doc.c - the JSON document model: validation reasons (also for hostile messages: deep
 * nesting, escaped NULs, lone surrogates, duplicate keys), pass-through of user fields, UTF-8
 * validation, base64, and the arena a batch's decoded values live in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/decimal.h"
#include "core/doc.h"
#include "core/json_check.h"
#include "core/json_scan.h"
#include "core/json_tree.h"
#include "core/nw_error.h"
#include "core/outbox.h"
#include "core/utf8.h"

static const char *reason_of(const char *msg)
{
    static nw_err err;
    nw_doc doc;
    nw_err_clear(&err);
    int rc = nw_doc_parse(&doc, msg, strlen(msg), 1 << 20, &err);
    if (rc == NW_OK) {
        nw_doc_release(&doc);
        return "ok";
    }
    return err.reason;
}

static void test_validation_reasons(void **state)
{
    (void)state;
    assert_string_equal(reason_of("{\"id\":\"a\",\"body\":\"x\"}"), "ok");
    assert_string_equal(reason_of("{\"id\":\"a\""), "invalid_json");
    assert_string_equal(reason_of("[1,2]"), "not_object");
    assert_string_equal(reason_of("{\"body\":\"x\"}"), "missing_id");
    assert_string_equal(reason_of("{\"id\":7}"), "bad_id");
    assert_string_equal(reason_of("{\"id\":\"\"}"), "bad_id");
    assert_string_equal(reason_of("{\"id\":\"a\xff\"}"), "invalid_utf8");
    char big[300];
    memset(big, 'x', sizeof big);
    char msg[400];
    snprintf(msg, sizeof msg, "{\"id\":\"%.*s\"}", 257, big);
    assert_string_equal(reason_of(msg), "bad_id");
    snprintf(msg, sizeof msg, "{\"id\":\"%.*s\"}", 256, big);
    assert_string_equal(reason_of(msg), "ok");
}

/* {"id":"deep","meta":[[[...]]]} nested n levels inside meta: a malloc'd message */
static char *nested(size_t n, int closed)
{
    char *m = malloc(2 * n + 64);
    assert_non_null(m);
    size_t k = (size_t)sprintf(m, "{\"id\":\"deep\",\"meta\":");
    memset(m + k, '[', n);
    k += n;
    if (closed) {
        memset(m + k, ']', n);
        k += n;
        m[k++] = '}';
    }
    m[k] = '\0';
    return m;
}

static void test_hostile_json(void **state)
{
    (void)state;
    /* 300,000 levels (600 KB) crashed the stages: refused by a linear pre-scan, valid or not */
    char *deep = nested(300000, 1);
    assert_string_equal(reason_of(deep), "too_complex");
    free(deep);
    deep = nested(300000, 0);
    assert_string_equal(reason_of(deep), "too_complex");
    free(deep);
    deep = nested(NW_JSON_MAX_DEPTH - 1, 1); /* the object itself is one level */
    assert_string_equal(reason_of(deep), "ok");
    free(deep);
    deep = nested(NW_JSON_MAX_DEPTH, 1);
    assert_string_equal(reason_of(deep), "too_complex");
    free(deep);
    /* brackets inside strings do not count */
    assert_string_equal(reason_of("{\"id\":\"a\",\"t\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}"),
                        "ok");
    /* an escaped NUL would cut the id: "nulid\u0000A" and "nulid\u0000B" became one article */
    assert_string_equal(reason_of("{\"id\":\"nulid\\u0000A\"}"), "invalid_json");
    assert_string_equal(reason_of("{\"id\":\"a\",\"body\":\"x\\u0000\"}"), "invalid_json");
    assert_string_equal(reason_of("{\"id\":\"a\",\"body\":\"\\\\u0000\"}"),
                        "ok"); /* \\ then u0000 */
    /* surrogates: a pair is one character, either half alone has no UTF-8 */
    assert_string_equal(reason_of("{\"id\":\"a\",\"body\":\"\\ud83d\\ude00\"}"), "ok");
    assert_string_equal(reason_of("{\"id\":\"a\",\"body\":\"\\udc00\"}"), "invalid_utf8");
    assert_string_equal(reason_of("{\"id\":\"a\",\"body\":\"\\ud800x\"}"), "invalid_utf8");
    assert_string_equal(reason_of("{\"id\":\"a\",\"body\":\"\\ud800\\u0041\"}"), "invalid_utf8");
    /* duplicate keys: readers differ on which one counts */
    assert_string_equal(reason_of("{\"id\":\"d1\",\"id\":\"d2\"}"), "duplicate_key");
    assert_string_equal(reason_of("{\"id\":\"d1\",\"m\":[{\"a\":1,\"b\":2,\"a\":3}]}"),
                        "duplicate_key");
    assert_string_equal(reason_of("{\"id\":\"d1\",\"m\":{\"a\":{\"a\":1}}}"), "ok");
    /* objects small and large are checked differently: both find the same duplicates */
    char big[512];
    for (int keys = 15; keys <= 20; keys++) {
        for (int dup = 0; dup < 2; dup++) {
            int at = snprintf(big, sizeof big, "{\"id\":\"d1\"");
            for (int k = 1; k < keys; k++) {
                at += snprintf(big + at, sizeof big - (size_t)at, ",\"k%d\":%d",
                               dup && k == keys - 1 ? 3 : k, k);
            }
            snprintf(big + at, sizeof big - (size_t)at, "}");
            assert_string_equal(reason_of(big), dup ? "duplicate_key" : "ok");
        }
    }
}

/* What a stage is about to produce: only JSON the next stage takes. The check is structural
 * (UTF-8, the input limits, brackets and strings closed, one value): yajl_gen writes tokens
 * right but can stop short. */
static void test_output_check(void **state)
{
    (void)state;
    nw_err err;
    static const char *const good[] = {"{\"id\":\"a\",\"text\":\"caf\u00e9 \\ud83d\\ude00\"}", "[]",
                                       "1"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(nw_json_check(good[i], strlen(good[i]), &err), NW_OK);
    }
    static const char *const bad[] = {
        "{\"id\":\"a\"",          /* cut */
        "{\"id\":\"a\"} {}",      /* two values */
        "{\"id\":\"a\xff\"}",     /* not UTF-8 */
        "{\"id\":\"a\\u0000b\"}", /* would cut the next stage's strings */
        "{\"id\":\"\\udc00\"}",   /* lone surrogate */
        "{\"id\":\"a}",           /* a string left open */
        "{\"a\":[1,2}",           /* a bracket left open */
        "   ",                    /* nothing */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nw_err_clear(&err);
        assert_int_equal(nw_json_check(bad[i], strlen(bad[i]), &err), NW_E_INPUT);
        assert_string_equal(err.reason, "invalid_output");
    }
    char deep[2 * (NW_JSON_OUTPUT_MAX_DEPTH + 1) + 1];
    memset(deep, '[', NW_JSON_OUTPUT_MAX_DEPTH + 1);
    memset(deep + NW_JSON_OUTPUT_MAX_DEPTH + 1, ']', NW_JSON_OUTPUT_MAX_DEPTH + 1);
    deep[sizeof deep - 1] = '\0';
    assert_int_equal(nw_json_check(deep, strlen(deep), &err), NW_E_INPUT);
    assert_int_equal(nw_json_check(deep + 1, strlen(deep) - 2, &err), NW_OK);
}

/* The tree builder makes what yajl_tree makes, numbers' flags included, in linear time. */
static void test_json_tree(void **state)
{
    (void)state;
    nw_err err;
    const char *t = "{\"a\":[1,2.5,\"x\",true,false,null,{\"b\":-9223372036854775808}],"
                    "\"over\":99999999999999999999,\"inf\":1e999}";
    yajl_val v = nw_json_tree(t, strlen(t), &err);
    assert_non_null(v);
    assert_true(YAJL_IS_OBJECT(v));
    assert_int_equal(v->u.object.len, 3);
    yajl_val a = v->u.object.values[0];
    assert_string_equal(v->u.object.keys[0], "a");
    assert_int_equal(a->u.array.len, 7);
    assert_true(YAJL_IS_INTEGER(a->u.array.values[0]));
    assert_int_equal(YAJL_GET_INTEGER(a->u.array.values[0]), 1);
    assert_false(YAJL_IS_INTEGER(a->u.array.values[1]));
    assert_true(YAJL_IS_DOUBLE(a->u.array.values[1]));
    assert_string_equal(YAJL_GET_STRING(a->u.array.values[2]), "x");
    assert_true(YAJL_IS_TRUE(a->u.array.values[3]));
    assert_true(YAJL_IS_FALSE(a->u.array.values[4]));
    assert_true(YAJL_IS_NULL(a->u.array.values[5]));
    yajl_val b = a->u.array.values[6]->u.object.values[0];
    assert_true(YAJL_IS_INTEGER(b));
    assert_true(YAJL_GET_INTEGER(b) < -9223372036854775807LL);
    yajl_val over = v->u.object.values[1];
    assert_false(YAJL_IS_INTEGER(over)); /* out of range: only the double and the text */
    assert_true(YAJL_IS_DOUBLE(over));
    assert_string_equal(YAJL_GET_NUMBER(over), "99999999999999999999");
    assert_false(YAJL_IS_DOUBLE(v->u.object.values[2]));
    yajl_tree_free(v);

    /* 200,000 elements: grown by doubling, not one realloc each */
    size_t n = 200000;
    char *big = malloc(2 * n + 2);
    big[0] = '[';
    for (size_t i = 0; i < n; i++) {
        big[1 + 2 * i] = '0';
        big[2 + 2 * i] = i + 1 < n ? ',' : ']';
    }
    v = nw_json_tree(big, 2 * n + 1, &err);
    assert_non_null(v);
    assert_int_equal(v->u.array.len, n);
    yajl_tree_free(v);
    free(big);

    static const char *const bad[] = {"[1,2", "{\"a\":1} x", "/* c */ {}", "{\"a\" 1}", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nw_err_clear(&err);
        assert_null(nw_json_tree(bad[i], strlen(bad[i]), &err));
        assert_string_equal(err.reason, "invalid_json");
    }
}

/* Every number reads as strtoll and strtod read its text (integers take a shorter path). */
static void test_json_numbers_are_strtod(void **state)
{
    (void)state;
    static const char *const nums[] = {"0",
                                       "-0",
                                       "7",
                                       "-12",
                                       "123456789012345678",
                                       "-123456789012345678",
                                       "999999999999999999",
                                       "1234567890123456789",
                                       "9007199254740993",
                                       "1.5",
                                       "-2.25",
                                       "1e3",
                                       "0.1",
                                       "12345678901234567890123"};
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
        char text[64];
        snprintf(text, sizeof text, "[%s]", nums[k]);
        nw_err err;
        yajl_val v = nw_json_tree(text, strlen(text), &err);
        assert_non_null(v);
        yajl_val n = v->u.array.values[0];
        char *end;
        errno = 0;
        long long i = strtoll(nums[k], &end, 10);
        int int_ok = errno == 0 && *end == '\0';
        errno = 0;
        double d = strtod(nums[k], &end);
        int dbl_ok = errno == 0 && *end == '\0';
        assert_int_equal(YAJL_IS_INTEGER(n) != 0, int_ok);
        assert_int_equal(YAJL_IS_DOUBLE(n) != 0, dbl_ok);
        if (int_ok) {
            assert_true(YAJL_GET_INTEGER(n) == i);
        }
        if (dbl_ok) { /* the same bits: -0 is negative zero, 2^53 + 1 rounds alike */
            assert_memory_equal(&n->u.number.d, &d, sizeof d);
        }
        assert_string_equal(YAJL_GET_NUMBER(n), nums[k]);
        yajl_tree_free(v);
    }
}

static void test_oversize(void **state)
{
    (void)state;
    nw_doc doc;
    nw_err err;
    const char *msg = "{\"id\":\"a\",\"body\":\"0123456789\"}";
    assert_int_equal(nw_doc_parse(&doc, msg, strlen(msg), 10, &err), NW_E_INPUT);
    assert_string_equal(err.reason, "oversize");
}

static void test_require_str(void **state)
{
    (void)state;
    nw_doc doc;
    nw_err err;
    const char *msg = "{\"id\":\"a\",\"body\":5}";
    assert_int_equal(nw_doc_parse(&doc, msg, strlen(msg), 1000, &err), NW_OK);
    const char *s;
    assert_int_equal(nw_doc_require_str(&doc, "body", &s, &err), NW_E_INPUT);
    assert_string_equal(err.reason, "bad_field_type");
    assert_int_equal(nw_doc_require_str(&doc, "text", &s, &err), NW_E_INPUT);
    assert_string_equal(err.reason, "missing_field");
    nw_doc_release(&doc);
}

/* Every field a stage does not replace comes out unchanged, numbers with their own text. */
static void test_round_trip_passes_fields_through(void **state)
{
    (void)state;
    const char *msg = "{\"id\":\"x1\",\"meta\":{\"n\":1.50,\"a\":[true,null,\"\\u00e9\"]},"
                      "\"body\":\"drop me\",\"big\":12345678901234567890}";
    nw_doc doc;
    nw_err err;
    assert_int_equal(nw_doc_parse(&doc, msg, strlen(msg), 1000, &err), NW_OK);
    assert_string_equal(doc.id, "x1");
    yajl_gen g = nw_json_gen_new();
    static const char *const skip[] = {"body", NULL};
    yajl_gen_map_open(g);
    nw_json_copy_fields(g, doc.root, skip);
    nw_json_int(g, "added", 3);
    yajl_gen_map_close(g);
    nw_buf out;
    nw_buf_init(&out);
    assert_int_equal(nw_json_take(g, &out), NW_OK);
    assert_string_equal(out.data,
                        "{\"id\":\"x1\",\"meta\":{\"n\":1.50,\"a\":[true,null,\"\xc3\xa9\"]},"
                        "\"big\":12345678901234567890,\"added\":3}");
    nw_buf_release(&out);
    yajl_gen_free(g);
    nw_doc_release(&doc);
}

/* The output of a step that adds member key (value 7) to msg: its one record's value. */
static const char *extended(nw_outbox *o, const char *msg, const char *key, int decoded)
{
    nw_doc doc;
    nw_err err;
    assert_int_equal(nw_doc_parse(&doc, msg, strlen(msg), 1000, &err), NW_OK);
    doc.raw = decoded ? NULL : doc.raw; /* what a charset's decoding leaves */
    nw_outbox_reset(o);
    nw_doc_out d;
    nw_outbox_doc_begin(o, &doc, key, &d);
    yajl_gen_integer(o->gen, 7);
    assert_int_equal(nw_outbox_doc_end(o, NULL, &d), NW_OK);
    assert_int_equal(o->n, 1);
    assert_string_equal(nw_record_key(o, &o->rec[0]), "x1");
    nw_doc_release(&doc);
    return nw_record_val(o, &o->rec[0]);
}

static void test_output_keeps_the_input_bytes(void **state)
{
    (void)state;
    nw_outbox o;
    assert_int_equal(nw_outbox_init(&o), NW_OK);
    /* the input's bytes are kept as they came (escapes, spacing, number forms) */
    const char *msg = "{\"id\":\"x1\", \"t\":\"caf\\u00e9 \\/\",\"n\":1.50}\n";
    assert_string_equal(extended(&o, msg, "fp", 0),
                        "{\"id\":\"x1\", \"t\":\"caf\\u00e9 \\/\",\"n\":1.50,\"fp\":7}");
    assert_int_equal(o.rec[0].val_len, strlen(nw_record_val(&o, &o.rec[0])));
    /* a member of that name already there is replaced: everything is encoded again */
    assert_string_equal(extended(&o, "{\"fp\":1,\"id\":\"x1\"}", "fp", 0),
                        "{\"id\":\"x1\",\"fp\":7}");
    /* so is a message decoded from another charset (its bytes were not UTF-8) */
    assert_string_equal(extended(&o, "{\"id\":\"x1\",\"t\":\"\\u00e9\"}", "fp", 1),
                        "{\"id\":\"x1\",\"t\":\"\xc3\xa9\",\"fp\":7}");
    /* both ways give one JSON text a reader parses to the same object */
    const char *a = extended(&o, "{\"id\":\"x1\",\"m\":{\"k\":[1,2]}}", "enrich", 0);
    char kept[128];
    snprintf(kept, sizeof kept, "%s", a);
    assert_string_equal(kept, extended(&o, "{\"id\":\"x1\",\"m\":{\"k\":[1,2]}}", "enrich", 1));
    nw_outbox_release(&o);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_int_equal(nw_utf8_validate("abc", 3), 3);
    assert_int_equal(nw_utf8_validate("\xe2\x80\x94", 3), 3);     /* em dash */
    assert_int_equal(nw_utf8_validate("a\xc0\xaf", 3), 1);        /* overlong */
    assert_int_equal(nw_utf8_validate("ab\xed\xa0\x80", 5), 2);   /* surrogate */
    assert_int_equal(nw_utf8_validate("\xf4\x90\x80\x80", 4), 0); /* > U+10FFFF */
    assert_int_equal(nw_utf8_validate("\xe2\x80", 2), 0);         /* truncated */
    int cp;
    assert_int_equal(nw_utf8_decode((const unsigned char *)"\xe2\x80\x99", 3, &cp), 3);
    assert_int_equal(cp, 0x2019);
}

static void test_base64(void **state)
{
    (void)state;
    char enc[16];
    assert_int_equal(nw_base64_encode((const unsigned char *)"foob", 4, enc), 8);
    assert_string_equal(enc, "Zm9vYg==");
    unsigned char dec[8];
    assert_int_equal(nw_base64_decode("Zm9vYg==", 8, dec, sizeof dec), 4);
    assert_memory_equal(dec, "foob", 4);
    assert_int_equal(nw_base64_decode("Zm9vYg=", 7, dec, sizeof dec), -1);
    assert_int_equal(nw_base64_decode("Zm9v!g==", 8, dec, sizeof dec), -1);
    assert_int_equal(nw_base64_decode("Zm9vYmFy", 8, dec, 4), -1);          /* too long for cap */
    assert_int_equal(nw_base64_decode("Zm=vYg==", 8, dec, sizeof dec), -1); /* '=' inside */
    assert_int_equal(nw_base64_decode("Zg==Zm9v", 8, dec, sizeof dec), -1); /* not at the end */
    assert_int_equal(nw_base64_decode("Z===", 4, dec, sizeof dec), -1);
    assert_int_equal(nw_base64_decode("", 0, dec, sizeof dec), 0);
    /* every byte value, at every length's padding, round trips */
    unsigned char all[256], back[256];
    char text[400];
    for (size_t i = 0; i < 256; i++) {
        all[i] = (unsigned char)(255 - i);
    }
    for (size_t n = 0; n <= 256; n += n < 8 ? 1 : 31) {
        size_t len = nw_base64_encode(all, n, text);
        assert_int_equal(nw_base64_decode(text, len, back, sizeof back), (long)n);
        assert_memory_equal(back, all, n);
        if (n) { /* one byte short of room is refused */
            assert_int_equal(nw_base64_decode(text, len, back, n - 1), -1);
        }
    }
}

/* The scores' format is printf's "%.4f" exactly, halves and odd values included. */
/* The digits every hand-written number (Redis lengths, key names, counters, scores) goes
 * through: what printf's %llu writes, from 0 to the largest value. */
static void test_decimal_is_printf(void **state)
{
    (void)state;
    char got[NW_DECIMAL_MAX + 1], want[32];
    uint64_t v = 0;
    for (int i = 0; i < 200000; i++) {
        v = i < 100 ? (uint64_t)i : v * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t x = i % 3 == 0 ? v >> (i % 64) : v; /* short and long values alike */
        size_t n = nw_decimal(got, x);
        got[n] = '\0';
        snprintf(want, sizeof want, "%llu", (unsigned long long)x);
        assert_string_equal(got, want);
    }
    assert_int_equal(nw_decimal(got, UINT64_MAX), NW_DECIMAL_MAX);
}

static void test_format_4f_is_printf(void **state)
{
    (void)state;
    const double fixed[] = {0,           1,       0.5,      0.00005, 0.00015, 0.12345,
                            2.5,         1e-9,    0.99995,  0.99994, 12.3456, 1e8,
                            123456789.5, 1e12,    -0.00001, -3.25,   NAN,     INFINITY,
                            0.1 + 0.2,   1.0 / 3, 2.0 / 3,  0.6125,  0.61255, 7.00005};
    char got[32], want[32];
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        snprintf(want, sizeof want, "%.4f", fixed[i]);
        assert_int_equal(nw_format_4f(got, fixed[i]), strlen(want));
        assert_string_equal(got, want);
    }
    unsigned long long r = 88172645463325252ULL; /* xorshift: a million values of every size */
    for (int i = 0; i < 1000000; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        double v = (double)(r >> 11) / (double)(1ULL << 53) * pow(10, (double)(i % 12) - 3);
        snprintf(want, sizeof want, "%.4f", v);
        nw_format_4f(got, v);
        assert_string_equal(got, want);
    }
}

/* A rewind keeps blocks for the next batch: the same memory comes back, zeroed when asked. */
static void test_arena_rewind_reuses_blocks(void **state)
{
    (void)state;
    nw_arena a;
    nw_arena_init(&a);
    unsigned char *small = nw_arena_alloc_raw(&a, 1000);
    unsigned char *own = nw_arena_alloc_raw(&a, 100000); /* over 16 KiB: a block of its own */
    assert_non_null(small);
    assert_non_null(own);
    memset(small, 0xff, 1000);
    memset(own, 0xff, 100000);
    nw_arena_rewind(&a);
    unsigned char *again = nw_arena_alloc(&a, 1000);
    assert_ptr_equal(again, small);
    for (size_t i = 0; i < 1000; i++) {
        assert_int_equal(again[i], 0);
    }
    assert_ptr_equal(nw_arena_alloc_raw(&a, 80000), own); /* the smallest kept block that fits */
    assert_ptr_not_equal(nw_arena_alloc_raw(&a, 80000), own);
    /* what is kept is bounded: a batch of 8 MiB keeps at most NW_ARENA_SPARE of it */
    nw_arena_rewind(&a);
    for (int i = 0; i < 8; i++) {
        assert_non_null(nw_arena_alloc_raw(&a, (size_t)1 << 20));
    }
    nw_arena_rewind(&a);
    assert_true(a.spare_bytes <= NW_ARENA_SPARE);
    assert_true(a.spare_bytes >= NW_ARENA_SPARE / 2);
    nw_arena_reset(&a); /* frees the kept blocks too (the ASan run checks for leaks) */
    assert_null(a.spare);
    assert_int_equal(a.spare_bytes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation_reasons),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_output_check),
        cmocka_unit_test(test_json_tree),
        cmocka_unit_test(test_json_numbers_are_strtod),
        cmocka_unit_test(test_hostile_json),
        cmocka_unit_test(test_require_str),
        cmocka_unit_test(test_round_trip_passes_fields_through),
        cmocka_unit_test(test_output_keeps_the_input_bytes),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_arena_rewind_reuses_blocks),
        cmocka_unit_test(test_decimal_is_printf),
        cmocka_unit_test(test_format_4f_is_printf),
    };
    return cmocka_run_group_tests_name("doc", tests, NULL, NULL);
}
