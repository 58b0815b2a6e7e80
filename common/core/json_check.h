/* json_check.h - the last look at an output record before a stage produces it: valid UTF-8,
 * one well-formed JSON value, nothing the next stage's input checks would refuse (nesting,
 * escaped NUL, lone surrogates). A stage never emits what the next one would dead-letter:
 * a record that fails here dead-letters the input that made it, original bytes and all. No
 * tree is built. */
#ifndef NW_JSON_CHECK_H
#define NW_JSON_CHECK_H

#include <stddef.h>

#include "nw_err.h"

/* Nesting an output may have: the input's limit and the levels stages wrap around it. */
#define NW_JSON_OUTPUT_MAX_DEPTH 72

/* NW_OK, or NW_E_INPUT with err->reason invalid_output and what is wrong at which byte. */
int nw_json_check(const char *text, size_t len, nw_err *err);

#endif
