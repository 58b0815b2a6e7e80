/* json_check.c - UTF-8, then the pre-scan's rules, then yajl's syntax check (no callbacks). */
#include "json_check.h"

#include <yajl/yajl_parse.h>

#include "json_scan.h"
#include "nw_error.h"
#include "utf8.h"

int nw_json_check(const char *text, size_t len, nw_err *err)
{
    size_t bad = nw_utf8_validate(text, len);
    if (bad != len) {
        return nw_err_set(err, NW_E_INPUT, "invalid_output",
                          "output record is not valid UTF-8 at byte %zu", bad);
    }
    nw_err why;
    nw_err_clear(&why);
    if (nw_json_scan(text, len, NW_JSON_OUTPUT_MAX_DEPTH, &why) != NW_OK) {
        return nw_err_set(err, NW_E_INPUT, "invalid_output", "output record: %s", why.detail);
    }
    yajl_handle h = yajl_alloc(NULL, NULL, NULL);
    if (!h) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    yajl_config(h, yajl_dont_validate_strings, 1); /* UTF-8 checked above, faster */
    yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
    }
    int rc = NW_OK;
    if (st != yajl_status_ok) {
        rc = nw_err_set(err, NW_E_INPUT, "invalid_output",
                        "output record is not well-formed JSON near byte %zu",
                        yajl_get_bytes_consumed(h));
    }
    yajl_free(h);
    return rc;
}
