/* logfmt_json.c - a logfmt line rewritten as a JSON object, pair by pair. */
#include "logfmt_json.h"

#include <string.h>

typedef struct json_out {
    char *p;
    size_t len, cap;
    int full; /* a pair did not fit: stop adding */
} json_out;

/* Appends s[0..n) if it fits with room left for the closing brace. */
static int put(json_out *o, const char *s, size_t n)
{
    if (o->full || o->len + n + 2 > o->cap) {
        o->full = 1;
        return 0;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    return 1;
}

/* s[0..n) with quotes, backslashes and control bytes escaped. */
static void put_escaped(json_out *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6] = {'\\', (char)c};
        if (c == '"' || c == '\\') {
            put(o, esc, 2);
        } else if (c < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            put(o, esc, 6);
        } else {
            put(o, s + i, 1);
        }
    }
}

static void put_string(json_out *o, const char *s, size_t n)
{
    put(o, "\"", 1);
    put_escaped(o, s, n);
    put(o, "\"", 1);
}

static int is_hex4(const char *s, size_t n)
{
    for (size_t i = 0; i < 4; i++) {
        if (i >= n || !strchr("0123456789abcdefABCDEF", s[i]) || !s[i]) {
            return 0;
        }
    }
    return 1;
}

/* The inside of a quoted logfmt value: its escapes are JSON's; a backslash before any other
 * byte, and a raw quote or control byte, are escaped as text. */
static void put_quoted(json_out *o, const char *s, size_t n)
{
    put(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        size_t esc = s[i] != '\\' || i + 1 >= n ? 0
                     : s[i + 1] == 'u'          ? (is_hex4(s + i + 2, n - i - 2) ? 6 : 0)
                     : strchr("\"\\/bfnrt", s[i + 1]) != NULL ? 2
                                                              : 0;
        if (esc) {
            put(o, s + i, esc);
            i += esc - 1;
        } else {
            put_escaped(o, s + i, 1);
        }
    }
    put(o, "\"", 1);
}

static int is_number(const char *s, size_t n)
{
    size_t i = 0;
    i += i < n && s[i] == '-';
    if (i == n || s[i] < '0' || s[i] > '9' ||
        (s[i] == '0' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
        return 0;
    }
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
    }
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        if (i == d) {
            return 0;
        }
    }
    return i == n;
}

/* End of the value starting at i: past the closing quote of a quoted one, else at a space. */
static size_t value_end(const char *s, size_t n, size_t i)
{
    if (i < n && s[i] == '"') {
        for (i++; i < n && s[i] != '"'; i++) {
            i += s[i] == '\\' && i + 1 < n;
        }
        return i < n ? i + 1 : n;
    }
    while (i < n && s[i] != ' ') {
        i++;
    }
    return i;
}

size_t nw_logfmt_to_json(const char *line, size_t n, char *out, size_t cap)
{
    json_out o = {out, 0, cap, 0};
    put(&o, "{", 1);
    size_t i = 0, pairs = 0;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' ')) {
        n--;
    }
    while (i < n && !o.full) {
        while (i < n && line[i] == ' ') {
            i++;
        }
        size_t key = i;
        while (i < n && line[i] != '=' && line[i] != ' ') {
            i++;
        }
        size_t value = i + 1, end = i < n && line[i] == '=' ? value_end(line, n, value) : i;
        size_t mark = o.len;
        put(&o, pairs ? "," : "", pairs ? 1 : 0);
        if (end == i) { /* a word without '=' */
            put(&o, "\"msg\":", 6);
            put_string(&o, line + key, i - key);
        } else {
            put_string(&o, line + key, i - key);
            put(&o, ":", 1);
            if (value < end && line[value] == '"') {
                size_t close = end - value >= 2 && line[end - 1] == '"';
                put_quoted(&o, line + value + 1, end - value - 1 - close);
            } else if (is_number(line + value, end - value)) {
                put(&o, line + value, end - value);
            } else {
                put_string(&o, line + value, end - value);
            }
        }
        if (o.full) {
            o.len = mark; /* the pair that did not fit is left out whole */
        }
        pairs++;
        i = end;
    }
    out[o.len++] = '}';
    out[o.len] = '\0';
    return o.len;
}
