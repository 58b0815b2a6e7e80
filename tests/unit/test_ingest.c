/* test_ingest.c - what nearwire-ingest decides without a broker: the id of a file (its path,
 * so two sites' index.html stay two articles) and whether an id was sent before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <string.h>

#include "core/file_id.h"
#include "core/seen_set.h"

static const char *id_of(const char *path)
{
    static char id[NW_FILE_ID_MAX + 1];
    size_t n = nw_file_id(path, id, sizeof id);
    assert_int_equal(n, strlen(id));
    return id;
}

static void test_file_ids(void **state)
{
    (void)state;
    assert_string_equal(id_of("siteA//index.html"), "siteA/index");
    assert_string_equal(id_of("siteB/index.html"), "siteB/index");
    assert_string_equal(id_of("./seeds/000_ap.txt"), "seeds/000_ap");
    assert_string_equal(id_of("story.v2.htm"), "story.v2");
    assert_string_equal(id_of("dir.d/.hidden"), "dir.d/.hidden"); /* a dot file keeps its name */
    assert_string_equal(id_of("/abs/path/a.html"), "/abs/path/a");
    char path[700];
    memset(path, 'd', 600);
    strcpy(path + 600, "/end.html");
    const char *a = id_of(path);
    assert_int_equal(strlen(a), NW_FILE_ID_MAX);
    assert_string_equal(a + strlen(a) - 4, "/end");
    char first[NW_FILE_ID_MAX + 1];
    strcpy(first, a);
    path[0] = 'e'; /* same end, another path: another id */
    assert_string_not_equal(id_of(path), first);
}

static void test_seen_set(void **state)
{
    (void)state;
    nw_seen_set s;
    nw_seen_set_init(&s);
    for (uint64_t i = 0; i < 100000; i++) {
        assert_int_equal(nw_seen_set_add(&s, i * 0x9e3779b97f4a7c15ULL), 0);
    }
    for (uint64_t i = 0; i < 100000; i++) {
        assert_int_equal(nw_seen_set_add(&s, i * 0x9e3779b97f4a7c15ULL), 1);
    }
    assert_int_equal(nw_seen_set_add(&s, 12345), 0);
    assert_true(s.cap >= 2 * s.n); /* at most half full */
    nw_seen_set_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_ids),
        cmocka_unit_test(test_seen_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
