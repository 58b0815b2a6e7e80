/* doc.h - the JSON document model shared by every stage: parse and validate one message,
 * read its fields, and write an output document that keeps every field it does not replace.
 * Pure: no I/O. A parsed nw_doc owns its yajl tree; field pointers borrow from it. */
#ifndef NW_DOC_H
#define NW_DOC_H

#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "buf.h"
#include "nw_err.h"

#define NW_DOC_ID_MAX 256

typedef struct nw_doc {
    yajl_val root;         /* a JSON object; owned, freed by nw_doc_release() */
    const char *id;        /* borrowed from root */
    char decoded_from[32]; /* the charset its strings were decoded from, or "" (UTF-8) */
    /* the message as parsed (borrowed: valid while the caller keeps the payload; NULL when
     * it was parsed from a buffer that does not last, such as a charset's decoding) */
    const char *raw;
    size_t raw_len;
} nw_doc;

/* Validates and parses one message (not NUL-terminated). On failure returns NW_E_INPUT with
 * err->reason one of: oversize, invalid_utf8, invalid_json, too_complex, duplicate_key,
 * not_object, missing_id, bad_id. */
int nw_doc_parse(nw_doc *doc, const char *payload, size_t len, size_t max_bytes, nw_err *err);
void nw_doc_release(nw_doc *doc);

/* Parses any JSON text (not NUL-terminated) after json_scan.h's pre-scan (depth, escaped
 * NULs, lone surrogates). Returns NULL with the reason and message in err. Caller frees with
 * yajl_tree_free(). */
yajl_val nw_json_parse(const char *text, size_t len, nw_err *err);

/* Field access; NULL when absent or of another type. */
yajl_val nw_doc_get(const nw_doc *doc, const char *key);
const char *nw_doc_str(const nw_doc *doc, const char *key);

/* Required string field: NW_E_INPUT with reason missing_field / bad_field_type when it is not. */
int nw_doc_require_str(const nw_doc *doc, const char *key, const char **out, nw_err *err);

/* Whether an output that is doc with one more member, key, can keep doc's input bytes as they
 * are instead of encoding every member again (most of a message is text a stage does not
 * touch): doc->raw is set and doc has no member key. *body_len: the bytes of doc->raw before
 * its closing brace. */
int nw_doc_can_extend(const nw_doc *doc, const char *key, size_t *body_len);

/* Writing. nw_json_gen_new() returns a generator (caller frees with yajl_gen_free). */
yajl_gen nw_json_gen_new(void);
void nw_json_value(yajl_gen g, yajl_val v);
/* Writes all of obj's members except those named in 'skip' (NULL-terminated); the caller has
 * opened the map and adds its own members after. */
void nw_json_copy_fields(yajl_gen g, yajl_val obj, const char *const *skip);
void nw_json_key(yajl_gen g, const char *key);
void nw_json_str(yajl_gen g, const char *key, const char *val); /* val NULL -> null */
void nw_json_strn(yajl_gen g, const char *key, const char *val, size_t len);
void nw_json_int(yajl_gen g, const char *key, long long val);
void nw_json_dbl(yajl_gen g, const char *key, double val); /* 4 decimals, stable output */
/* val as "%.4f" prints it, into out; the length */
size_t nw_format_4f(char out[32], double val);
void nw_json_bool(yajl_gen g, const char *key, int val);
/* Moves the generated text into 'out' (appends) and resets the generator for reuse. */
int nw_json_take(yajl_gen g, nw_buf *out);

#endif
