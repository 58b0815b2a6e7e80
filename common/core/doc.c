/* doc.c - input validation and pass-through JSON writing over yajl.
 * Validation order matters for useful dead-letter reasons: size, then UTF-8, then syntax,
 * then the id contract. yajl needs a NUL-terminated copy, made once per message. */
#include "doc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "json_scan.h"
#include "json_tree.h"
#include "nw_error.h"
#include "utf8.h"

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A key that one object of the tree has twice, or NULL. Depth is bounded by the pre-scan. */
#define SMALL_OBJECT 16
static const char *duplicate_key(yajl_val v)
{
    if (YAJL_IS_ARRAY(v)) {
        for (size_t i = 0; i < v->u.array.len; i++) {
            const char *k = duplicate_key(v->u.array.values[i]);
            if (k) {
                return k;
            }
        }
        return NULL;
    }
    if (!YAJL_IS_OBJECT(v)) {
        return NULL;
    }
    size_t n = v->u.object.len;
    const char *found = NULL;
    if (n > 1 && n <= SMALL_OBJECT) {
        /* most objects: each key against the ones before it, no copy (a malloc and a qsort
         * per object were 2% of a stage's parsing) */
        for (size_t i = 1; i < n && !found; i++) {
            for (size_t j = 0; j < i && !found; j++) {
                found = strcmp(v->u.object.keys[j], v->u.object.keys[i]) == 0 ? v->u.object.keys[i]
                                                                              : NULL;
            }
        }
    } else if (n > 1) {
        const char **keys = malloc(n * sizeof *keys);
        if (!keys) {
            return NULL; /* the check is skipped, not the message */
        }
        memcpy(keys, v->u.object.keys, n * sizeof *keys);
        qsort(keys, n, sizeof *keys, cmp_keys);
        for (size_t i = 1; i < n && !found; i++) {
            found = strcmp(keys[i - 1], keys[i]) == 0 ? keys[i] : NULL; /* borrowed: the tree */
        }
        free(keys);
    }
    for (size_t i = 0; i < n && !found; i++) {
        found = duplicate_key(v->u.object.values[i]);
    }
    return found;
}

int nw_doc_parse(nw_doc *doc, const char *payload, size_t len, size_t max_bytes, nw_err *err)
{
    doc->root = NULL;
    doc->id = NULL;
    doc->decoded_from[0] = '\0';
    doc->raw = payload;
    doc->raw_len = len;
    if (len > max_bytes) {
        return nw_err_set(err, NW_E_INPUT, "oversize", "message is %zu bytes, limit %zu", len,
                          max_bytes);
    }
    if (len == 0) {
        return nw_err_set(err, NW_E_INPUT, "invalid_json", "empty message");
    }
    size_t bad = nw_utf8_validate(payload, len);
    if (bad != len) {
        return nw_err_set(err, NW_E_INPUT, "invalid_utf8", "invalid UTF-8 at byte %zu", bad);
    }
    if (memchr(payload, '\0', len)) {
        return nw_err_set(err, NW_E_INPUT, "invalid_json", "NUL byte in message");
    }
    yajl_val root = nw_json_parse(payload, len, err);
    if (!root) {
        return NW_E_INPUT;
    }
    if (!YAJL_IS_OBJECT(root)) {
        yajl_tree_free(root);
        return nw_err_set(err, NW_E_INPUT, "not_object", "message is not a JSON object");
    }
    const char *dup = duplicate_key(root);
    if (dup) {
        int rc = nw_err_set(err, NW_E_INPUT, "duplicate_key",
                            "key \"%.64s\" appears twice in one object (readers differ on which "
                            "counts)",
                            dup);
        yajl_tree_free(root);
        return rc;
    }
    doc->root = root;
    const char *path[] = {"id", NULL};
    yajl_val id = yajl_tree_get(root, path, yajl_t_any);
    if (!id) {
        nw_doc_release(doc);
        return nw_err_set(err, NW_E_INPUT, "missing_id", "field \"id\" is missing");
    }
    size_t idlen = YAJL_IS_STRING(id) ? strlen(id->u.string) : 0;
    if (!YAJL_IS_STRING(id) || idlen == 0 || idlen > NW_DOC_ID_MAX) {
        nw_doc_release(doc);
        return nw_err_set(err, NW_E_INPUT, "bad_id", "field \"id\" must be a string of 1..%d bytes",
                          NW_DOC_ID_MAX);
    }
    doc->id = id->u.string;
    return NW_OK;
}

yajl_val nw_json_parse(const char *text, size_t len, nw_err *err)
{
    if (nw_json_scan(text, len, NW_JSON_MAX_DEPTH, err) != NW_OK) {
        return NULL;
    }
    return nw_json_tree(text, len, err);
}

int nw_doc_can_extend(const nw_doc *doc, const char *key, size_t *body_len)
{
    if (!doc->raw || !doc->root || nw_doc_get(doc, key)) {
        return 0;
    }
    size_t n = doc->raw_len;
    while (n > 0 && (doc->raw[n - 1] == ' ' || doc->raw[n - 1] == '\t' || doc->raw[n - 1] == '\r' ||
                     doc->raw[n - 1] == '\n')) {
        n--; /* JSON's whitespace after the object */
    }
    if (n == 0 || doc->raw[n - 1] != '}') {
        return 0;
    }
    *body_len = n - 1;
    return 1;
}

void nw_doc_release(nw_doc *doc)
{
    if (doc->root) {
        yajl_tree_free(doc->root);
    }
    doc->root = NULL;
    doc->id = NULL;
    doc->raw = NULL;
}

yajl_val nw_doc_get(const nw_doc *doc, const char *key)
{
    const char *path[] = {key, NULL};
    return doc->root ? yajl_tree_get(doc->root, path, yajl_t_any) : NULL;
}

const char *nw_doc_str(const nw_doc *doc, const char *key)
{
    yajl_val v = nw_doc_get(doc, key);
    return v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

int nw_doc_require_str(const nw_doc *doc, const char *key, const char **out, nw_err *err)
{
    yajl_val v = nw_doc_get(doc, key);
    if (!v) {
        return nw_err_set(err, NW_E_INPUT, "missing_field", "field \"%s\" is missing", key);
    }
    if (!YAJL_IS_STRING(v)) {
        return nw_err_set(err, NW_E_INPUT, "bad_field_type", "field \"%s\" must be a string", key);
    }
    *out = YAJL_GET_STRING(v);
    return NW_OK;
}

yajl_gen nw_json_gen_new(void)
{
    return yajl_gen_alloc(NULL);
}

void nw_json_value(yajl_gen g, yajl_val v)
{
    if (!v || YAJL_IS_NULL(v)) {
        yajl_gen_null(g);
    } else if (YAJL_IS_STRING(v)) {
        const char *s = YAJL_GET_STRING(v);
        yajl_gen_string(g, (const unsigned char *)s, strlen(s));
    } else if (YAJL_IS_NUMBER(v)) {
        /* the original text, so numbers pass through exactly */
        const char *r = v->u.number.r;
        yajl_gen_number(g, r, strlen(r));
    } else if (YAJL_IS_TRUE(v)) {
        yajl_gen_bool(g, 1);
    } else if (YAJL_IS_FALSE(v)) {
        yajl_gen_bool(g, 0);
    } else if (YAJL_IS_ARRAY(v)) {
        yajl_gen_array_open(g);
        for (size_t i = 0; i < v->u.array.len; i++) {
            nw_json_value(g, v->u.array.values[i]);
        }
        yajl_gen_array_close(g);
    } else if (YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);
        nw_json_copy_fields(g, v, NULL);
        yajl_gen_map_close(g);
    }
}

static int in_list(const char *key, const char *const *list)
{
    for (; list && *list; list++) {
        if (strcmp(key, *list) == 0) {
            return 1;
        }
    }
    return 0;
}

void nw_json_copy_fields(yajl_gen g, yajl_val obj, const char *const *skip)
{
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *k = obj->u.object.keys[i];
        if (in_list(k, skip)) {
            continue;
        }
        nw_json_key(g, k);
        nw_json_value(g, obj->u.object.values[i]);
    }
}

void nw_json_key(yajl_gen g, const char *key)
{
    yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void nw_json_str(yajl_gen g, const char *key, const char *val)
{
    nw_json_strn(g, key, val, val ? strlen(val) : 0);
}

void nw_json_strn(yajl_gen g, const char *key, const char *val, size_t len)
{
    if (key) {
        nw_json_key(g, key);
    }
    if (val) {
        yajl_gen_string(g, (const unsigned char *)val, len);
    } else {
        yajl_gen_null(g);
    }
}

void nw_json_int(yajl_gen g, const char *key, long long val)
{
    if (key) {
        nw_json_key(g, key);
    }
    yajl_gen_integer(g, val);
}

void nw_json_dbl(yajl_gen g, const char *key, double val)
{
    if (key) {
        nw_json_key(g, key);
    }
    char tmp[32];
    size_t n = nw_format_4f(tmp, val);
    yajl_gen_number(g, tmp, n);
}

size_t nw_format_4f(char out[32], double val)
{
    /* what "%.4f" prints, without its format parsing (1,800 instructions a score): the value in
     * ten-thousandths rounds as printf's exact decimal does unless it sits at a half, which,
     * like negatives, huge values and NaN, is left to snprintf */
    double x = val * 10000.0;
    double frac = x - floor(x);
    if (!(val >= 0 && x < 1e9) || fabs(frac - 0.5) < 1e-6) {
        return (size_t)snprintf(out, 32, "%.4f", val);
    }
    uint64_t units = (uint64_t)(frac < 0.5 ? floor(x) : floor(x) + 1);
    size_t n = nw_decimal(out, units / 10000);
    out[n++] = '.';
    for (int d = 3; d >= 0; d--, units /= 10) {
        out[n + (size_t)d] = (char)('0' + units % 10);
    }
    out[n + 4] = '\0';
    return n + 4;
}

void nw_json_bool(yajl_gen g, const char *key, int val)
{
    if (key) {
        nw_json_key(g, key);
    }
    yajl_gen_bool(g, val);
}

int nw_json_take(yajl_gen g, nw_buf *out)
{
    const unsigned char *p;
    size_t n;
    if (yajl_gen_get_buf(g, &p, &n) != yajl_gen_status_ok) {
        return -1;
    }
    int rc = nw_buf_append(out, p, n);
    yajl_gen_clear(g);
    yajl_gen_reset(g, NULL);
    return rc;
}
