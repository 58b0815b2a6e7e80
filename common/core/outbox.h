/* outbox.h - what one step produces: zero or more records (topic, key, value). A step fills
 * it; the runner sends it (Kafka) or prints it (--pipe). topic NULL means the stage's main
 * output topic. Buffers are reused across documents; records are valid until the next reset. */
#ifndef NW_OUTBOX_H
#define NW_OUTBOX_H

#include <stddef.h>
#include <yajl/yajl_gen.h>

#include "buf.h"
#include "doc.h"

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

/* An output document: the input doc with one member, key, set to what the step generates
 * into o->gen between nw_outbox_doc_begin() and nw_outbox_doc_end() (one JSON value). The
 * input's bytes are kept as they are when nw_doc_can_extend() allows, else every member but
 * key is encoded again. */
typedef struct nw_doc_out {
    const nw_doc *doc;
    const char *key;
    size_t body_len; /* > 0: the input's bytes up to its closing brace are kept */
} nw_doc_out;
void nw_outbox_doc_begin(nw_outbox *o, const nw_doc *doc, const char *key, nw_doc_out *d);
/* Adds the record (topic NULL: the main output, keyed by the document's id). */
int nw_outbox_doc_end(nw_outbox *o, const char *topic, nw_doc_out *d);

static inline const char *nw_record_key(const nw_outbox *o, const nw_record *r)
{
    return o->data.data + r->key_off;
}
static inline const char *nw_record_val(const nw_outbox *o, const nw_record *r)
{
    return o->data.data + r->val_off;
}

#endif
