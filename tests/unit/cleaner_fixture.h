/* cleaner_fixture.h - what the clean tests share: one cleaner per test binary (made by the
 * group's setup, freed by its teardown) and one line through the paragraph rules. Included
 * by one test file each, after cmocka and text/clean.h. */
#ifndef NW_CLEANER_FIXTURE_H
#define NW_CLEANER_FIXTURE_H

#include <string.h>

#include "text/boilerplate.h"
#include "text/clean.h"

static nw_cleaner *cl;

static int cleaner_setup(void **state)
{
    (void)state;
    cl = nw_cleaner_new();
    return cl ? 0 : -1;
}

static int cleaner_teardown(void **state)
{
    (void)state;
    nw_cleaner_free(cl);
    return 0;
}

/* one paragraph through the rules, no links, not a heading or a list item */
static nw_bp_reason classify_line(const char *s)
{
    char scratch[512];
    assert_true(strlen(s) < sizeof scratch);
    nw_bp_input in = {s, strlen(s), 0, 0, 0};
    return nw_bp_classify(&in, scratch);
}

#endif
