/* test_charset.c - messages whose strings are in a page's own charset: the declared charset
 * found (content_type, <meta charset>, http-equiv; windows-1252 otherwise), strings that are
 * not UTF-8 decoded, UTF-8 strings and the JSON's escapes left alone, undecodable bytes
 * refused with where they are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <string.h>

#include "core/charset.h"
#include "core/nw_error.h"

static const char *charset_of(const char *msg)
{
    static char name[32];
    return nw_charset_of(msg, strlen(msg), name, sizeof name);
}

static void test_declared_charsets(void **state)
{
    (void)state;
    assert_string_equal(charset_of("{\"content_type\":\"text/plain; charset=KOI8-R\"}"), "KOI8-R");
    assert_string_equal(charset_of("{\"body\":\"<meta charset=\\\"iso-8859-2\\\">\"}"),
                        "iso-8859-2");
    assert_string_equal(charset_of("{\"body\":\"<meta charset='Shift_JIS'>\"}"), "CP932");
    assert_string_equal(charset_of("{\"body\":\"<META http-equiv=x content=\\\"text/html; "
                                   "CHARSET=iso-8859-1\\\">\"}"),
                        "windows-1252"); /* as browsers read it */
    assert_string_equal(charset_of("{\"body\":\"<meta charset=utf-8>\"}"), "windows-1252");
    assert_string_equal(charset_of("{\"body\":\"no declaration\"}"), "windows-1252");
}

static const char *decode(const char *msg, const char *charset, nw_err *err)
{
    static nw_buf out;
    nw_buf_reset(&out);
    nw_err_clear(err);
    if (nw_charset_decode_json(msg, strlen(msg), charset, &out, err) != NW_OK) {
        return NULL;
    }
    nw_buf_putc(&out, '\0');
    return out.data;
}

static void test_decode_strings(void **state)
{
    (void)state;
    nw_err err;
    /* a latin-1 body beside a UTF-8 title: only the body changes; escapes stay escapes */
    assert_string_equal(decode("{\"title\":\"Caf\xc3\xa9\",\"body\":\"caf\xe9 \\\"x\\\" \\\\\"}",
                               "windows-1252", &err),
                        "{\"title\":\"Caf\xc3\xa9\",\"body\":\"caf\xc3\xa9 \\\"x\\\" \\\\\"}");
    /* windows-1252's own letters (0x80 euro, 0x9c oe) */
    assert_string_equal(decode("{\"b\":\"\x80 \x9c\"}", "windows-1252", &err),
                        "{\"b\":\"\xe2\x82\xac \xc5\x93\"}");
    /* CP932 keeps the backslash a backslash (iconv's Shift_JIS reads it as a yen sign) */
    assert_string_equal(decode("{\"b\":\"\x93\x8c\x8b\x9e \\\"\"}", "CP932", &err),
                        "{\"b\":\"\xe6\x9d\xb1\xe4\xba\xac \\\"\"}");
    /* 0x81 is no character of windows-1252 */
    assert_null(decode("{\"id\":\"a\",\"b\":\"caf\x81\"}", "windows-1252", &err));
    assert_string_equal(err.reason, "invalid_utf8");
    assert_non_null(strstr(err.detail, "byte 18"));
    assert_null(decode("{\"b\":\"\xe9\"}", "no-such-charset", &err));
    assert_non_null(strstr(err.detail, "unknown"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declared_charsets),
        cmocka_unit_test(test_decode_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
