/* outbox.c - records are offsets into one buffer, so adding one never invalidates another. */
#include "outbox.h"

#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "nw_error.h"

int nw_outbox_init(nw_outbox *o)
{
    memset(o, 0, sizeof *o);
    nw_buf_init(&o->data);
    o->gen = nw_json_gen_new();
    return o->gen ? NW_OK : NW_E_NOMEM;
}

void nw_outbox_release(nw_outbox *o)
{
    nw_buf_release(&o->data);
    free(o->rec);
    o->rec = NULL;
    o->cap = 0;
    if (o->gen) {
        yajl_gen_free(o->gen);
    }
    o->gen = NULL;
    o->n = 0;
}

void nw_outbox_reset(nw_outbox *o)
{
    nw_buf_reset(&o->data);
    o->n = 0;
    yajl_gen_clear(o->gen);
    yajl_gen_reset(o->gen, NULL);
}

/* A record begun: its key written, its value to follow in o->data; NULL when out of memory. */
static nw_record *start_record(nw_outbox *o, const char *topic, const char *key, size_t klen)
{
    if (nw_array_reserve((void **)&o->rec, &o->cap, o->n + 1, sizeof *o->rec) != NW_OK) {
        return NULL;
    }
    nw_record *r = &o->rec[o->n];
    r->topic = topic;
    r->key_off = o->data.len;
    r->key_len = klen;
    if (nw_buf_append(&o->data, key, klen) != NW_OK || nw_buf_putc(&o->data, '\0') != NW_OK) {
        return NULL;
    }
    r->val_off = o->data.len;
    return r;
}

/* The value appended since start_record() is the record's. */
static int finish_record(nw_outbox *o, nw_record *r)
{
    r->val_len = o->data.len - r->val_off;
    if (nw_buf_putc(&o->data, '\0') != NW_OK) {
        return NW_E_NOMEM;
    }
    o->n++;
    return NW_OK;
}

int nw_outbox_add(nw_outbox *o, const char *topic, const char *key, size_t klen, const char *val,
                  size_t vlen)
{
    nw_record *r = start_record(o, topic, key, klen);
    if (!r || nw_buf_append(&o->data, val, vlen) != NW_OK) {
        return NW_E_NOMEM;
    }
    return finish_record(o, r);
}

void nw_outbox_doc_begin(nw_outbox *o, const nw_doc *doc, const char *key, nw_doc_out *d)
{
    *d = (nw_doc_out){doc, key, 0};
    if (!nw_doc_can_extend(doc, key, &d->body_len)) {
        const char *const skip[] = {key, NULL};
        yajl_gen_map_open(o->gen);
        nw_json_copy_fields(o->gen, doc->root, skip);
        nw_json_key(o->gen, key);
    }
}

/* Appends the parts of a value to o->data; NW_OK or NW_E_NOMEM. */
static int append_parts(nw_buf *b, const char *const *part, const size_t *len, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (nw_buf_append(b, part[i], len[i]) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    return NW_OK;
}

int nw_outbox_doc_end(nw_outbox *o, const char *topic, nw_doc_out *d)
{
    if (!d->body_len) {
        yajl_gen_map_close(o->gen);
        return nw_outbox_add_gen(o, topic, d->doc->id);
    }
    const unsigned char *val;
    size_t vlen;
    if (yajl_gen_get_buf(o->gen, &val, &vlen) != yajl_gen_status_ok) {
        return NW_E_FATAL;
    }
    /* the input up to its closing brace, then ,"key":value} (no comma after a bare "{") */
    const char *comma = d->doc->root->u.object.len ? "," : "";
    const char *part[] = {d->doc->raw, comma, "\"", d->key, "\":", (const char *)val, "}"};
    const size_t len[] = {d->body_len, strlen(comma), 1, strlen(d->key), 2, vlen, 1};
    nw_record *r = start_record(o, topic, d->doc->id, strlen(d->doc->id));
    int rc = r ? append_parts(&o->data, part, len, sizeof part / sizeof *part) : NW_E_NOMEM;
    rc = rc == NW_OK ? finish_record(o, r) : rc;
    yajl_gen_clear(o->gen);
    yajl_gen_reset(o->gen, NULL);
    return rc;
}

int nw_outbox_add_gen(nw_outbox *o, const char *topic, const char *key)
{
    const unsigned char *p;
    size_t n;
    if (yajl_gen_get_buf(o->gen, &p, &n) != yajl_gen_status_ok) {
        return NW_E_FATAL;
    }
    int rc = nw_outbox_add(o, topic, key, strlen(key), (const char *)p, n);
    yajl_gen_clear(o->gen);
    yajl_gen_reset(o->gen, NULL);
    return rc;
}
