/* test_repeated.c - a site's repeated lines (text/repeated.h): which paragraphs are looked
 * up, what makes two of them the same line, the site of a document, the rule, the text
 * without the dropped ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <string.h>

#include "text/repeated.h"

static size_t pick(const char *site, const char *text, nw_repeated_para *p)
{
    return nw_repeated_pick(site, strlen(site), text, strlen(text), p);
}

static void test_edges_of_four_words_or_more(void **state)
{
    (void)state;
    const char *text = "One two three four.\n\nShort.\n\nMiddle one is long enough.\n\n"
                       "Middle two is long enough.\n\nMiddle three is long enough.\n\n"
                       "Tail one is long enough.\n\nReuter\n\nFollow us for more stories.";
    nw_repeated_para p[NW_REPEATED_MAX];
    size_t n = pick("Daily Ledger", text, p);
    /* the first two ("Short." is too short) and the last three ("Reuter" too short) */
    assert_int_equal(n, 3);
    assert_memory_equal(text + p[0].off, "One two three four.", p[0].len);
    assert_memory_equal(text + p[1].off, "Tail one is long enough.", p[1].len);
    assert_memory_equal(text + p[2].off, "Follow us for more stories.", p[2].len);
    assert_int_equal(strlen(p[2].key), NW_REPEATED_KEY_LEN);

    /* a text of fewer paragraphs than the edges: each once, in order */
    n = pick("x", "Only one paragraph of words here.", p);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].off, 0);
}

static void test_same_line_same_key(void **state)
{
    (void)state;
    nw_repeated_para a[NW_REPEATED_MAX], b[NW_REPEATED_MAX], c[NW_REPEATED_MAX];
    pick("Daily Ledger", "Follow us on social media for more.", a);
    pick("daily ledger", "FOLLOW us  on social\nmedia for more.", b);
    assert_string_equal(a[0].key, b[0].key); /* case and spacing folded */
    pick("City Post", "Follow us on social media for more.", c);
    assert_string_not_equal(a[0].key, c[0].key); /* another site counts its own */
    pick("Daily Ledger", "Follow us on social media for less.", c);
    assert_string_not_equal(a[0].key, c[0].key);
    /* a paragraph longer than the hashing piece (256 bytes) is hashed whole */
    char longer[1000], other[1000];
    memset(longer, 'a', sizeof longer);
    for (size_t i = 5; i < sizeof longer - 1; i += 6) {
        longer[i] = ' ';
    }
    longer[sizeof longer - 1] = '\0';
    memcpy(other, longer, sizeof other);
    other[900] = 'b';
    pick("s", longer, a);
    pick("s", other, b);
    assert_string_not_equal(a[0].key, b[0].key);
}

static void test_site(void **state)
{
    (void)state;
    char s[64];
    assert_int_equal(nw_repeated_site("Daily Ledger", "https://x.example/a", s, sizeof s), 12);
    assert_string_equal(s, "daily ledger");
    nw_repeated_site(NULL, "https://user@WWW.Example.com:8443/news/1?x=y", s, sizeof s);
    assert_string_equal(s, "example.com");
    nw_repeated_site("", "example.org/path", s, sizeof s);
    assert_string_equal(s, "example.org");
    assert_int_equal(nw_repeated_site(NULL, NULL, s, sizeof s), 0);
    assert_string_equal(s, "");
    assert_int_equal(nw_repeated_site("a very long source name", NULL, s, 7), 6);
}

static void test_rule(void **state)
{
    (void)state;
    /* counted with this article: 5 others are needed at repeated_after 5 */
    assert_false(nw_repeated_is_sites_own(5, 5));
    assert_true(nw_repeated_is_sites_own(6, 5));
    assert_false(nw_repeated_is_sites_own(1000, 0)); /* off */
}

static void test_drops_and_marks(void **state)
{
    (void)state;
    long long with_it[] = {6, 2, 9};
    assert_int_equal(nw_repeated_drops(with_it, 3, 5), 5u); /* the first and the third */
    assert_int_equal(nw_repeated_drops(with_it, 3, 0), 0u);
    char mark[24];
    nw_repeated_mark(5u, mark, sizeof mark);
    assert_string_equal(mark, "d5");
    assert_int_equal(nw_repeated_mask_of(mark), 5u);
    /* counted with nothing to drop (the store's own mark), and what is not a mark */
    assert_int_equal(nw_repeated_mask_of("1"), 0u);
    assert_int_equal(nw_repeated_mask_of("d"), 0u);
    assert_int_equal(nw_repeated_mask_of("d5x"), 0u);
    assert_int_equal(nw_repeated_mask_of("d99999"), 0u);
}

static void test_strip(void **state)
{
    (void)state;
    const char *text = "Lead paragraph of the story.\n\nBody of the story goes on.\n\n"
                       "Follow us for more stories.";
    nw_repeated_para p[NW_REPEATED_MAX];
    size_t n = pick("s", text, p);
    assert_int_equal(n, 3);
    nw_buf out;
    nw_buf_init(&out);
    assert_int_equal(nw_repeated_strip(text, strlen(text), p, n, 1u << 2, &out), 27);
    assert_string_equal(out.data, "Lead paragraph of the story.\n\nBody of the story goes on.");
    nw_buf_reset(&out);
    nw_repeated_strip(text, strlen(text), p, n, 1u, &out);
    assert_string_equal(out.data, "Body of the story goes on.\n\nFollow us for more stories.");
    nw_buf_reset(&out);
    assert_int_equal(nw_repeated_strip(text, strlen(text), p, n, 7u, &out), strlen(text) - 4);
    assert_int_equal(out.len, 0);
    nw_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges_of_four_words_or_more),
        cmocka_unit_test(test_same_line_same_key),
        cmocka_unit_test(test_site),
        cmocka_unit_test(test_rule),
        cmocka_unit_test(test_drops_and_marks),
        cmocka_unit_test(test_strip),
    };
    return cmocka_run_group_tests_name("repeated", tests, NULL, NULL);
}
