/* json_check.c - UTF-8, then the pre-scan's rules and bracket balance. Our records come from
 * yajl_gen, which writes tokens correctly but may stop short (at its depth limit, or a failed
 * call ignored) and leave brackets or a string open: that, not token syntax, is what goes
 * wrong, and the balance finds it at memory speed (a full yajl parse cost 10% of clean). */
#include "json_check.h"

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
    int balanced = 0;
    if (nw_json_scan_balance(text, len, NW_JSON_OUTPUT_MAX_DEPTH, &balanced, &why) != NW_OK) {
        return nw_err_set(err, NW_E_INPUT, "invalid_output", "output record: %s", why.detail);
    }
    size_t first = 0;
    while (first < len && (text[first] == ' ' || text[first] == '\n')) {
        first++;
    }
    int rc = NW_OK;
    if (!balanced || first == len) {
        rc = nw_err_set(err, NW_E_INPUT, "invalid_output",
                        "output record is not one complete JSON value (brackets or a string "
                        "left open)");
    }
    return rc;
}
