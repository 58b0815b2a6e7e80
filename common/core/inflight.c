/* inflight.c - the ring. Partitions of a retire run are collected in a small table so each
 * gets one store call with its highest offset. */
#include "inflight.h"

#include <stdlib.h>

#include "nw_error.h"

int nw_inflight_init(nw_inflight *f, size_t cap)
{
    f->ring = calloc(cap, sizeof *f->ring);
    f->cap = f->ring ? cap : 0;
    f->head = f->count = 0;
    return f->ring ? NW_OK : NW_E_NOMEM;
}

void nw_inflight_release(nw_inflight *f)
{
    free(f->ring);
    f->ring = NULL;
    f->cap = f->head = f->count = 0;
}

size_t nw_inflight_free(const nw_inflight *f)
{
    return f->cap - f->count;
}

nw_inflight_entry *nw_inflight_push(nw_inflight *f, int32_t partition, int64_t offset)
{
    if (f->count == f->cap) {
        return NULL;
    }
    nw_inflight_entry *e = &f->ring[(f->head + f->count++) % f->cap];
    e->partition = partition;
    e->offset = offset;
    e->pending = 1; /* the seal */
    e->failed = 0;
    return e;
}

void nw_inflight_add_output(nw_inflight_entry *e)
{
    e->pending++;
}

void nw_inflight_done(nw_inflight_entry *e, int failed)
{
    e->pending--;
    if (failed) {
        e->failed = 1;
    }
}

#define MAX_PARTS 64

size_t nw_inflight_retire(nw_inflight *f, void (*store)(void *, int32_t, int64_t), void *arg,
                          int *failed)
{
    int32_t parts[MAX_PARTS];
    int64_t next[MAX_PARTS];
    size_t nparts = 0, retired = 0;
    *failed = 0;
    while (f->count) {
        nw_inflight_entry *e = &f->ring[f->head];
        if (e->failed) {
            *failed = 1;
            break;
        }
        if (e->pending > 0) {
            break;
        }
        size_t i = 0;
        while (i < nparts && parts[i] != e->partition) {
            i++;
        }
        if (i == nparts) {
            if (nparts == MAX_PARTS) { /* table full: flush it and go on */
                for (size_t k = 0; k < nparts; k++) {
                    store(arg, parts[k], next[k]);
                }
                nparts = i = 0;
            }
            parts[nparts++] = e->partition;
        }
        next[i] = e->offset + 1;
        f->head = (f->head + 1) % f->cap;
        f->count--;
        retired++;
    }
    for (size_t k = 0; k < nparts; k++) {
        store(arg, parts[k], next[k]);
    }
    return retired;
}

int nw_inflight_settled(const nw_inflight *f)
{
    for (size_t i = 0; i < f->count; i++) {
        if (f->ring[(f->head + i) % f->cap].pending > 0) {
            return 0;
        }
    }
    return 1;
}

void nw_inflight_clear(nw_inflight *f)
{
    f->head = f->count = 0;
}
