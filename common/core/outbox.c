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

int nw_outbox_add(nw_outbox *o, const char *topic, const char *key, size_t klen, const char *val,
                  size_t vlen)
{
    if (nw_array_reserve((void **)&o->rec, &o->cap, o->n + 1, sizeof *o->rec) != NW_OK) {
        return NW_E_NOMEM;
    }
    nw_record *r = &o->rec[o->n];
    r->topic = topic;
    r->key_off = o->data.len;
    r->key_len = klen;
    if (nw_buf_append(&o->data, key, klen) != NW_OK || nw_buf_putc(&o->data, '\0') != NW_OK) {
        return NW_E_NOMEM;
    }
    r->val_off = o->data.len;
    r->val_len = vlen;
    if (nw_buf_append(&o->data, val, vlen) != NW_OK || nw_buf_putc(&o->data, '\0') != NW_OK) {
        return NW_E_NOMEM;
    }
    o->n++;
    return NW_OK;
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
