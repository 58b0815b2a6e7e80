/* outbox.h - what one step produces: zero or more records (topic, key, value). A step fills
 * it; the runner sends it (Kafka) or prints it (--pipe). topic NULL means the stage's main
 * output topic. Buffers are reused across documents; records are valid until the next reset. */
#ifndef NW_OUTBOX_H
#define NW_OUTBOX_H

#include <stddef.h>
#include <yajl/yajl_gen.h>

#include "buf.h"

typedef struct nw_record {
    const char *topic; /* borrowed (configuration); NULL = main output */
    size_t key_off, key_len, val_off, val_len;
} nw_record;

typedef struct nw_outbox {
    nw_buf data;
    nw_record *rec; /* grows as needed: a decision may carry revisions of other articles */
    size_t n, cap;
    yajl_gen gen; /* a generator steps may use; emptied by nw_outbox_add_gen() */
} nw_outbox;

int nw_outbox_init(nw_outbox *o);
void nw_outbox_release(nw_outbox *o);
void nw_outbox_reset(nw_outbox *o);
int nw_outbox_add(nw_outbox *o, const char *topic, const char *key, size_t klen, const char *val,
                  size_t vlen);
/* Adds a record whose value is what o->gen generated so far, and resets the generator. */
int nw_outbox_add_gen(nw_outbox *o, const char *topic, const char *key);

static inline const char *nw_record_key(const nw_outbox *o, const nw_record *r)
{
    return o->data.data + r->key_off;
}
static inline const char *nw_record_val(const nw_outbox *o, const nw_record *r)
{
    return o->data.data + r->val_off;
}

#endif
