/* charset.c - a declared charset found, and JSON strings decoded from it with iconv. */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nw_error.h"
#include "utf8.h"

#define SNIFF_BYTES 65536
#define FALLBACK "windows-1252" /* what browsers read unlabelled pages as */

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == ':' || c == '.';
}

/* Labels and what they are read as, as browsers do (the WHATWG Encoding standard, in part):
 * ISO-8859-1, ASCII and their aliases as windows-1252, and UTF-8 too (the bytes are not UTF-8,
 * so the label is wrong); multi-byte labels as a superset whose ASCII bytes are ASCII
 * (iconv's Shift_JIS reads 0x5C as a yen sign, which would turn the JSON's escapes into
 * text). Other labels go to iconv as they are. */
static const char *const read_as[][2] = {
    {"iso-8859-1", FALLBACK}, {"iso8859-1", FALLBACK}, {"iso_8859-1", FALLBACK},
    {"latin1", FALLBACK},     {"l1", FALLBACK},        {"us-ascii", FALLBACK},
    {"ascii", FALLBACK},      {"cp1252", FALLBACK},    {"x-cp1252", FALLBACK},
    {"cp819", FALLBACK},      {"ibm819", FALLBACK},    {"utf-8", FALLBACK},
    {"utf8", FALLBACK},       {"shift_jis", "CP932"},  {"shift-jis", "CP932"},
    {"sjis", "CP932"},        {"x-sjis", "CP932"},     {"ms_kanji", "CP932"},
    {"windows-31j", "CP932"}, {"euc-kr", "CP949"},     {"gb2312", "GB18030"},
    {"gbk", "GB18030"},       {"big5", "BIG5-HKSCS"},  {NULL, NULL}};

const char *nw_charset_of(const char *msg, size_t n, char *name, size_t cap)
{
    size_t lim = n < SNIFF_BYTES ? n : SNIFF_BYTES, len = 0;
    for (size_t i = 0; i + 8 < lim && !len; i++) {
        if (strncasecmp(msg + i, "charset=", 8) != 0) {
            continue;
        }
        size_t j = i + 8;
        while (j < lim && (msg[j] == '"' || msg[j] == '\'' || msg[j] == '\\' || msg[j] == ' ')) {
            j++;
        }
        while (j < lim && is_name_char(msg[j]) && len + 1 < cap) {
            name[len++] = msg[j++];
        }
    }
    name[len] = '\0';
    const char *as = len ? NULL : FALLBACK;
    for (size_t k = 0; !as && read_as[k][0]; k++) {
        as = strcasecmp(name, read_as[k][0]) == 0 ? read_as[k][1] : NULL;
    }
    if (as) {
        snprintf(name, cap, "%s", as);
    }
    return name;
}

/* Index just past the string literal that opens at i (a '"'), or n. */
static size_t string_end(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\') {
            i++;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return n;
}

/* Appends s[0..n) decoded from cd; escapes (ASCII) pass through as the bytes they are. */
static int decode(iconv_t cd, const char *s, size_t n, size_t at, nw_buf *out, nw_err *err)
{
    iconv(cd, NULL, NULL, NULL, NULL);
    char *in = (char *)s;
    size_t left = n;
    while (left > 0) {
        char chunk[4096];
        char *o = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(cd, &in, &left, &o, &room);
        if (nw_buf_append(out, chunk, sizeof chunk - room) != NW_OK) {
            return NW_E_NOMEM;
        }
        if (r == (size_t)-1 && errno != E2BIG) {
            return nw_err_set(err, NW_E_INPUT, "invalid_utf8",
                              "byte %zu is neither UTF-8 nor in the page's charset",
                              at + (size_t)(in - s));
        }
    }
    return NW_OK;
}

int nw_charset_decode_json(const char *msg, size_t n, const char *charset, nw_buf *out, nw_err *err)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1) {
        return nw_err_set(err, NW_E_INPUT, "invalid_utf8",
                          "not UTF-8, and its charset \"%.40s\" is unknown", charset);
    }
    int rc = NW_OK;
    size_t i = 0, copied = 0;
    while (rc == NW_OK && i < n) {
        if (msg[i] != '"') {
            i++;
            continue;
        }
        size_t end = string_end(msg, n, i);
        if (nw_utf8_validate(msg + i, end - i) != end - i) {
            rc = nw_buf_append(out, msg + copied, i - copied);
            rc = rc == NW_OK ? decode(cd, msg + i, end - i, i, out, err) : rc;
            copied = end;
        }
        i = end;
    }
    if (rc == NW_OK) {
        rc = nw_buf_append(out, msg + copied, n - copied);
    }
    iconv_close(cd);
    return rc;
}
