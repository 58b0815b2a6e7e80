/* json_tree.c - a stack of open containers; each value is attached to its parent as soon as
 * it exists, so that freeing the root frees everything on any exit. */
#include "json_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "nw_error.h"

typedef struct frame {
    yajl_val v;
    size_t cap; /* of v's arrays */
    char *key;  /* an object's key waiting for its value */
} frame;

typedef struct builder {
    frame *stack;
    size_t depth, cap;
    yajl_val root;
} builder;

static yajl_val new_val(yajl_type t)
{
    yajl_val v = calloc(1, sizeof *v);
    if (v) {
        v->type = t;
    }
    return v;
}

static int grow(void *pp, size_t elem, size_t cap)
{
    void *p = realloc(*(void **)pp, elem * cap);
    if (!p) {
        return 0;
    }
    *(void **)pp = p;
    return 1;
}

/* Attaches v to the open container (or makes it the root); 0 when out of memory. */
static int add(builder *b, yajl_val v)
{
    if (!v) {
        return 0;
    }
    if (b->depth == 0) {
        b->root = v;
        return 1;
    }
    frame *f = &b->stack[b->depth - 1];
    yajl_val p = f->v;
    size_t *len = p->type == yajl_t_object ? &p->u.object.len : &p->u.array.len;
    if (*len == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 8;
        int ok = p->type == yajl_t_object
                     ? grow(&p->u.object.keys, sizeof *p->u.object.keys, cap) &&
                           grow(&p->u.object.values, sizeof *p->u.object.values, cap)
                     : grow(&p->u.array.values, sizeof *p->u.array.values, cap);
        if (!ok) {
            yajl_tree_free(v);
            return 0;
        }
        f->cap = cap;
    }
    if (p->type == yajl_t_object) {
        p->u.object.keys[*len] = f->key;
        p->u.object.values[*len] = v;
        f->key = NULL;
    } else {
        p->u.array.values[*len] = v;
    }
    (*len)++;
    return 1;
}

static int open_container(void *ctx, yajl_type t)
{
    builder *b = ctx;
    yajl_val v = new_val(t);
    if (!add(b, v)) {
        return 0;
    }
    if (b->depth == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        if (!grow(&b->stack, sizeof *b->stack, cap)) {
            return 0;
        }
        b->cap = cap;
    }
    b->stack[b->depth++] = (frame){v, 0, NULL};
    return 1;
}

static int close_container(void *ctx)
{
    builder *b = ctx;
    b->depth--;
    return 1;
}

static int on_start_map(void *ctx)
{
    return open_container(ctx, yajl_t_object);
}

static int on_start_array(void *ctx)
{
    return open_container(ctx, yajl_t_array);
}

static char *copy(const unsigned char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

static int on_key(void *ctx, const unsigned char *s, size_t n)
{
    builder *b = ctx;
    frame *f = &b->stack[b->depth - 1];
    free(f->key);
    f->key = copy(s, n);
    return f->key != NULL;
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
    yajl_val v = new_val(yajl_t_string);
    if (v && !(v->u.string = copy(s, n))) {
        free(v);
        v = NULL;
    }
    return add(ctx, v);
}

/* A plain integer of at most 18 digits (every number of our messages but similarities):
 * its value without strtoll and strtod, which cost a thousand instructions a number. The
 * double is the integer converted, as strtod would round it. 1 when s is one. */
static int small_integer(const char *s, size_t n, long long *out)
{
    size_t i = s[0] == '-';
    if (n == i || n - i > 18) {
        return 0;
    }
    long long v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        v = 10 * v + (s[i] - '0');
    }
    if (s[0] == '-' && v == 0) {
        return 0; /* -0: strtod's double is negative zero */
    }
    *out = s[0] == '-' ? -v : v;
    return 1;
}

static int on_number(void *ctx, const char *s, size_t n)
{
    yajl_val v = new_val(yajl_t_number);
    if (v && !(v->u.number.r = copy((const unsigned char *)s, n))) {
        free(v);
        v = NULL;
    }
    long long small;
    if (v && small_integer(s, n, &small)) {
        v->u.number.i = small;
        v->u.number.d = (double)small;
        v->u.number.flags |= YAJL_NUMBER_INT_VALID | YAJL_NUMBER_DOUBLE_VALID;
    } else if (v) {
        char *end;
        errno = 0;
        v->u.number.i = strtoll(v->u.number.r, &end, 10);
        if (errno == 0 && *end == '\0') {
            v->u.number.flags |= YAJL_NUMBER_INT_VALID;
        }
        errno = 0;
        v->u.number.d = strtod(v->u.number.r, &end);
        if (errno == 0 && *end == '\0') {
            v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
        }
    }
    return add(ctx, v);
}

static int on_null(void *ctx)
{
    return add(ctx, new_val(yajl_t_null));
}

static int on_boolean(void *ctx, int yes)
{
    return add(ctx, new_val(yes ? yajl_t_true : yajl_t_false));
}

static const yajl_callbacks callbacks = {on_null,         on_boolean,     NULL,           NULL,
                                         on_number,       on_string,      on_start_map,   on_key,
                                         close_container, on_start_array, close_container};

yajl_val nw_json_tree(const char *text, size_t len, nw_err *err)
{
    builder b = {NULL, 0, 0, NULL};
    yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
    if (!h) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
    }
    if (st != yajl_status_ok) {
        if (st == yajl_status_client_canceled) {
            nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory while parsing JSON");
        } else {
            unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
            char *nl = msg ? strchr((char *)msg, '\n') : NULL;
            if (nl) {
                *nl = '\0';
            }
            nw_err_set(err, NW_E_INPUT, "invalid_json", "%s", msg ? (char *)msg : "parse error");
            yajl_free_error(h, msg);
        }
        for (size_t i = 0; i < b.depth; i++) {
            free(b.stack[i].key);
        }
        if (b.root) {
            yajl_tree_free(b.root);
        }
        b.root = NULL;
    }
    free(b.stack);
    yajl_free(h);
    return b.root;
}
