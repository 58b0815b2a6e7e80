/* json_scan.c - brackets counted outside strings; \u escapes decoded and paired inside them. */
#include "json_scan.h"

#include <stdint.h>
#include <string.h>

#include "nw_error.h"

/* The 16-bit value of the four hex digits at p, or -1. */
static long hex4(const char *p, size_t left)
{
    if (left < 4) {
        return -1;
    }
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/* Checks the escape at text[i] == '\\'; returns the index of its last byte, or an error. */
static int scan_escape(const char *text, size_t len, size_t *i, nw_err *err)
{
    size_t at = *i;
    if (at + 1 >= len || text[at + 1] != 'u') {
        *i = at + 1; /* a one-letter escape (yajl checks which) */
        return NW_OK;
    }
    long cp = hex4(text + at + 2, len - at - 2);
    if (cp < 0) {
        *i = at + 1; /* not ours to report: yajl says what is wrong */
        return NW_OK;
    }
    if (cp == 0) {
        return nw_err_set(err, NW_E_INPUT, "invalid_json",
                          "escaped NUL (\\u0000) in a string at byte %zu", at);
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return nw_err_set(err, NW_E_INPUT, "invalid_utf8",
                          "lone low surrogate \\u%04lx in a string at byte %zu", cp, at);
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        long lo = at + 7 < len && text[at + 6] == '\\' && text[at + 7] == 'u'
                      ? hex4(text + at + 8, len - at - 8)
                      : -1;
        if (lo < 0xDC00 || lo > 0xDFFF) {
            return nw_err_set(err, NW_E_INPUT, "invalid_utf8",
                              "high surrogate \\u%04lx without its pair at byte %zu", cp, at);
        }
        *i = at + 11;
        return NW_OK;
    }
    *i = at + 5;
    return NW_OK;
}

int nw_json_scan(const char *text, size_t len, unsigned max_depth, nw_err *err)
{
    return nw_json_scan_balance(text, len, max_depth, NULL, err);
}

int nw_json_scan_balance(const char *text, size_t len, unsigned max_depth, int *balanced,
                         nw_err *err)
{
    unsigned depth = 0;
    int unmatched = 0;                        /* a closing bracket at depth 0 */
    int in_string = 0, closed = 0, extra = 0; /* the top value closed; something after it */
    size_t quote = SIZE_MAX; /* the next '"' at or after i once looked up (len: none) */
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        extra |= closed && c != ' ' && c != '\n' && c != '\t' && c != '\r';
        if (in_string) {
            /* most of a message is string content: memchr to the next quote, then to the
             * next backslash before it (each byte is searched once for each) */
            if (quote == SIZE_MAX || quote < i) {
                const char *q = memchr(text + i, '"', len - i);
                quote = q ? (size_t)(q - text) : len;
            }
            const char *bs = memchr(text + i, '\\', quote - i);
            if (bs) {
                i = (size_t)(bs - text);
                int rc = scan_escape(text, len, &i, err);
                if (rc != NW_OK) {
                    return rc;
                }
            } else {
                i = quote; /* len: the string is left open */
                in_string = quote == len;
            }
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                return nw_err_set(err, NW_E_INPUT, "too_complex",
                                  "nested deeper than %u levels at byte %zu", max_depth, i);
            }
        } else if (c == ']' || c == '}') {
            if (depth > 0) {
                closed = --depth == 0;
            } else {
                unmatched = 1;
            }
        }
    }
    if (balanced) {
        *balanced = !in_string && !extra && !unmatched && depth == 0;
    }
    return NW_OK;
}
