/* test_explain.c - the shared passages of two texts: found where the words agree, mapped to the
 * right bytes and widened to whole sentences; Jaccard and containment exact; the display
 * segments cover each text once; repetitive and long texts stay linear; token spans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nw_error.h"
#include "match/explain.h"
#include "sketch/tokenize.h"

static char *span_text(const char *t, nw_span s)
{
    static char buf[4096];
    size_t n = s.end - s.start < sizeof buf - 1 ? s.end - s.start : sizeof buf - 1;
    memcpy(buf, t + s.start, n);
    buf[n] = '\0';
    return buf;
}

static void test_token_spans(void **state)
{
    (void)state;
    const char *t = "Iraq's  Khamenéi said: \"No.\" 東京";
    nw_u64vec tok, spans;
    nw_u64vec_init(&tok);
    nw_u64vec_init(&spans);
    assert_int_equal(nw_tokenize_spans(t, strlen(t), 1, &tok, &spans), NW_OK);
    assert_int_equal(tok.n, 6);
    assert_int_equal(spans.n, tok.n);
    const char *want[] = {"Iraq's", "Khamenéi", "said", "No", "東", "京"};
    for (size_t i = 0; i < tok.n; i++) {
        nw_span s = {(size_t)(spans.v[i] >> 32), (size_t)(spans.v[i] & 0xFFFFFFFF)};
        assert_string_equal(span_text(t, s), want[i]);
    }
    /* the same hashes as without spans */
    nw_u64vec plain;
    nw_u64vec_init(&plain);
    assert_int_equal(nw_tokenize(t, strlen(t), 1, &plain), NW_OK);
    assert_int_equal(plain.n, tok.n);
    assert_memory_equal(plain.v, tok.v, tok.n * sizeof *tok.v);
    nw_u64vec_release(&tok);
    nw_u64vec_release(&spans);
    nw_u64vec_release(&plain);
}

static const char *A = "Rescuers searched the rubble on Monday. The quake struck at dawn near the "
                       "coast, officials said, and at least forty people died. Schools closed.";
static const char *B = "BREAKING: The quake struck at dawn near the coast, officials said, and at "
                       "least forty people died. Donate to our newsroom today!";

static void test_shared_sentence(void **state)
{
    (void)state;
    nw_explain e;
    assert_int_equal(nw_explain_texts(A, strlen(A), B, strlen(B), 3, 1, 5, &e), NW_OK);
    assert_int_equal(e.npassages, 1);
    const nw_passage *p = &e.passages[0];
    assert_string_equal(span_text(A, p->a),
                        "The quake struck at dawn near the coast, officials said, and at least "
                        "forty people died");
    assert_string_equal(span_text(B, p->b), span_text(A, p->a));
    assert_string_equal(span_text(A, p->a_sentences),
                        "The quake struck at dawn near the coast, officials said, and at least "
                        "forty people died.");
    assert_int_equal(p->tokens, 16);
    /* B's sentence starts after "BREAKING:" only at the text's start: the whole line */
    assert_string_equal(span_text(B, p->b_sentences),
                        "BREAKING: The quake struck at dawn near the coast, officials said, and "
                        "at least forty people died.");
    /* 16 words shared: 14 shingles; A has 24 words (22 shingles), B 22 (20) */
    assert_int_equal(e.shared, 14);
    assert_int_equal(e.shingles_a, 22);
    assert_int_equal(e.shingles_b, 20);
    assert_true(e.containment > 14.0 / 20 - 1e-9 && e.containment < 14.0 / 20 + 1e-9);
    assert_true(e.jaccard > 14.0 / 28 - 1e-9 && e.jaccard < 14.0 / 28 + 1e-9);
    nw_explain_release(&e);
}

static void test_min_tokens_and_disjoint(void **state)
{
    (void)state;
    nw_explain e;
    assert_int_equal(nw_explain_texts(A, strlen(A), B, strlen(B), 3, 1, 17, &e), NW_OK);
    assert_int_equal(e.npassages, 0); /* the run is 16 words */
    assert_int_equal(e.shared, 14);   /* still measured */
    nw_explain_release(&e);
    const char *c = "Completely different words about football and the league final tonight.";
    assert_int_equal(nw_explain_texts(A, strlen(A), c, strlen(c), 3, 1, 5, &e), NW_OK);
    assert_int_equal(e.npassages, 0);
    assert_int_equal(e.shared, 0);
    assert_true(e.jaccard == 0 && e.containment == 0);
    nw_explain_release(&e);
    assert_int_equal(nw_explain_texts("", 0, A, strlen(A), 3, 1, 5, &e), NW_OK);
    assert_int_equal(e.npassages, 0);
    nw_explain_release(&e);
}

static void test_identical_and_truncated(void **state)
{
    (void)state;
    nw_explain e;
    assert_int_equal(nw_explain_texts(A, strlen(A), A, strlen(A), 3, 1, 5, &e), NW_OK);
    assert_int_equal(e.npassages, 1);
    assert_true(e.jaccard == 1.0 && e.containment == 1.0);
    assert_int_equal(e.passages[0].a.start, 0);
    assert_int_equal(e.passages[0].a.end, strlen(A) - 1); /* the last word, not its period */
    nw_explain_release(&e);
    size_t cut = strstr(A, " Schools") - A;
    assert_int_equal(nw_explain_texts(A, cut, A, strlen(A), 3, 1, 5, &e), NW_OK);
    assert_true(e.containment == 1.0);
    assert_true(e.jaccard < 1.0);
    nw_explain_release(&e);
}

/* Reordered paragraphs: each one is its own passage, in a's order; b's spans point to where
 * the paragraph is in b. */
static void test_reordered_paragraphs(void **state)
{
    (void)state;
    const char *p1 = "The central bank raised interest rates by half a point on Thursday.";
    const char *p2 = "Markets fell sharply after the announcement in early trading in Tokyo.";
    char a[512], b[512];
    snprintf(a, sizeof a, "%s\n\n%s", p1, p2);
    snprintf(b, sizeof b, "%s\n\nAdvertisement\n\n%s", p2, p1);
    nw_explain e;
    assert_int_equal(nw_explain_texts(a, strlen(a), b, strlen(b), 3, 7, 5, &e), NW_OK);
    assert_int_equal(e.npassages, 2);
    assert_true(e.passages[0].a.start < e.passages[1].a.start);
    assert_int_equal(e.passages[0].b.start, strstr(b, "The central") - b);
    assert_int_equal(e.passages[1].b.start, 0);
    nw_segment seg[5];
    size_t n = nw_explain_segments(&e, 'b', strlen(b), seg);
    /* highlighted p2, plain "\n\nAdvertisement\n\n", highlighted p1, the final period */
    assert_int_equal(n, 4);
    assert_int_equal(seg[0].passage, 1);
    assert_int_equal(seg[1].passage, -1);
    assert_int_equal(seg[2].passage, 0);
    assert_int_equal(seg[3].passage, -1);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(seg[i].span.start, pos);
        pos = seg[i].span.end;
    }
    assert_int_equal(pos, strlen(b));
    nw_explain_release(&e);
}

/* A text that is one word repeated: every shingle is the same, so every position of b is an
 * occurrence; the search tries a bounded number and the whole stays linear (it would take
 * minutes if each position of a tried every position of b). */
static void test_repetitive_text_is_linear(void **state)
{
    (void)state;
    size_t words = 200000;
    char *t = malloc(words * 2 + 1);
    assert_non_null(t);
    for (size_t i = 0; i < words; i++) {
        memcpy(t + 2 * i, "a ", 2);
    }
    t[2 * words] = '\0';
    nw_explain e;
    assert_int_equal(nw_explain_texts(t, 2 * words, t, 2 * words, 3, 1, 5, &e), NW_OK);
    assert_int_equal(e.npassages, 1);
    assert_int_equal(e.passages[0].tokens, words);
    assert_int_equal(e.shared, 1);
    nw_segment seg[3];
    assert_int_equal(nw_explain_segments(&e, 'a', 2 * words, seg), 2);
    nw_explain_release(&e);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_spans),
        cmocka_unit_test(test_shared_sentence),
        cmocka_unit_test(test_min_tokens_and_disjoint),
        cmocka_unit_test(test_identical_and_truncated),
        cmocka_unit_test(test_reordered_paragraphs),
        cmocka_unit_test(test_repetitive_text_is_linear),
    };
    return cmocka_run_group_tests_name("explain", tests, NULL, NULL);
}
