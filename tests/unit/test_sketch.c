/* test_sketch.c - tokenizer folding, shingle sets, MinHash estimates against exact Jaccard
 * (property test with a fixed seed), containment, SimHash and LSH banding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sketch/fingerprint.h"
#include "sketch/lsh.h"
#include "sketch/minhash.h"
#include "sketch/shingle.h"
#include "sketch/simhash.h"
#include "sketch/tokenize.h"

static size_t tokens_of(const char *s, nw_u64vec *v)
{
    v->n = 0;
    assert_int_equal(nw_tokenize(s, strlen(s), 1, v), 0);
    return v->n;
}

static void test_tokenizer_folds_case_quotes_and_accents(void **state)
{
    (void)state;
    nw_u64vec a, b;
    nw_u64vec_init(&a);
    nw_u64vec_init(&b);
    assert_int_equal(tokens_of("Iraq's \"negative\" KHAMENÉI — al-Maliki", &a), 5);
    assert_int_equal(
        tokens_of("iraq\xe2\x80\x99s \xe2\x80\x9cnegative\xe2\x80\x9d khamenei - al maliki", &b),
        5);
    assert_memory_equal(a.v, b.v, 5 * sizeof *a.v);
    /* the ligature "ﬁ" (U+FB01) folds to "fi" under compatibility decomposition */
    tokens_of("\xef\xac\x81ve", &a);
    tokens_of("five", &b);
    assert_int_equal(a.n, 1);
    assert_true(a.v[0] == b.v[0]);
    assert_int_equal(tokens_of("", &a), 0);
    assert_int_equal(tokens_of(" -- ... ", &a), 0);
    nw_u64vec_release(&a);
    nw_u64vec_release(&b);
}

static void test_shingles_are_a_set(void **state)
{
    (void)state;
    nw_u64vec t, s;
    nw_u64vec_init(&t);
    nw_u64vec_init(&s);
    tokens_of("a b c a b c a b c", &t);
    assert_int_equal(nw_shingle(t.v, t.n, 3, &s), 0);
    assert_int_equal(s.n, 3); /* abc, bca, cab */
    for (size_t i = 0; i < s.n; i++) {
        for (size_t j = i + 1; j < s.n; j++) {
            assert_true(s.v[i] != s.v[j]);
        }
    }
    tokens_of("short", &t);
    assert_int_equal(nw_shingle(t.v, t.n, 3, &s), 0);
    assert_int_equal(s.n, 1);
    nw_u64vec_release(&t);
    nw_u64vec_release(&s);
}

/* Sets A = [0, na), B = [off, off + nb): exact Jaccard known; the estimate must fall within
 * 4 standard deviations (sqrt(J(1-J)/128)) for every trial. */
static void test_minhash_estimates_jaccard(void **state)
{
    (void)state;
    srand(42);
    uint64_t *a = malloc(4000 * sizeof *a), *b = malloc(4000 * sizeof *b);
    for (int trial = 0; trial < 200; trial++) {
        size_t na = 50 + (size_t)(rand() % 1500), nb = 50 + (size_t)(rand() % 1500);
        size_t off = (size_t)(rand() % (int)na);
        uint64_t salt = (uint64_t)rand() << 32;
        for (size_t i = 0; i < na; i++) {
            a[i] = (salt + i) * 0x9E3779B97F4A7C15ULL;
        }
        for (size_t i = 0; i < nb; i++) {
            b[i] = (salt + off + i) * 0x9E3779B97F4A7C15ULL;
        }
        size_t inter = off + nb <= na ? nb : na - off;
        double exact = (double)inter / (double)(na + nb - inter);
        uint32_t sa[NW_MINHASH_BINS], sb[NW_MINHASH_BINS];
        uint8_t pa[NW_MINHASH_BINS], pb[NW_MINHASH_BINS];
        nw_minhash_sign(a, na, 7, sa);
        nw_minhash_sign(b, nb, 7, sb);
        nw_minhash_pack8(sa, pa);
        nw_minhash_pack8(sb, pb);
        double est = nw_minhash_jaccard8(pa, pb);
        double sd = sqrt(exact * (1 - exact) / NW_MINHASH_BINS);
        if (fabs(est - exact) > 4 * sd + 0.02) {
            fail_msg("trial %d: exact %.3f estimate %.3f (na %zu nb %zu)", trial, exact, est, na,
                     nb);
        }
    }
    free(a);
    free(b);
}

static void test_minhash_identical_and_empty(void **state)
{
    (void)state;
    uint64_t x[3] = {1, 2, 3};
    uint32_t s1[NW_MINHASH_BINS], s2[NW_MINHASH_BINS];
    uint8_t p1[NW_MINHASH_BINS], p2[NW_MINHASH_BINS];
    nw_minhash_sign(x, 3, 1, s1);
    nw_minhash_sign(x, 3, 1, s2);
    nw_minhash_pack8(s1, p1);
    nw_minhash_pack8(s2, p2);
    assert_true(nw_minhash_jaccard8(p1, p2) == 1.0);
    nw_minhash_sign(x, 3, 2, s2); /* another seed, another scheme */
    nw_minhash_pack8(s2, p2);
    assert_true(nw_minhash_jaccard8(p1, p2) < 0.5);
    nw_minhash_sign(NULL, 0, 1, s1);
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        assert_true(s1[i] == UINT32_MAX);
    }
}

static void test_containment(void **state)
{
    (void)state;
    /* B (100) inside A (400): J = 100/400 = 0.25 -> containment of B in A = 1 */
    assert_true(fabs(nw_containment(0.25, 400, 100) - 1.0) < 1e-9);
    /* half of B (100) in A (300): inter 50, union 350 */
    assert_true(fabs(nw_containment(50.0 / 350.0, 300, 100) - 0.5) < 1e-9);
    assert_true(nw_containment(0.0, 10, 10) == 0.0);
    assert_true(nw_containment(0.5, 0, 10) == 0.0);
}

static void test_simhash_near_texts_are_close(void **state)
{
    (void)state;
    nw_u64vec a, b, c;
    nw_u64vec_init(&a);
    nw_u64vec_init(&b);
    nw_u64vec_init(&c);
    tokens_of("the quick brown fox jumps over the lazy dog near the river bank today", &a);
    tokens_of("the quick brown fox jumped over the lazy dog near the river bank today", &b);
    tokens_of("stocks fell sharply in tokyo as investors worried about exports and yen", &c);
    int near = nw_simhash_distance(nw_simhash(a.v, a.n), nw_simhash(b.v, b.n));
    int far = nw_simhash_distance(nw_simhash(a.v, a.n), nw_simhash(c.v, c.n));
    assert_true(near < far);
    assert_true(near <= 12);
    nw_u64vec_release(&a);
    nw_u64vec_release(&b);
    nw_u64vec_release(&c);
}

/* The byte-lane SimHash must equal the plain per-bit vote, also past 255 tokens. */
static void test_simhash_matches_reference(void **state)
{
    (void)state;
    uint64_t t[1000];
    uint64_t x = 12345;
    for (int i = 0; i < 1000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        t[i] = x;
    }
    for (size_t n = 1; n <= 1000; n += 111) {
        uint64_t want = 0;
        for (int b = 0; b < 64; b++) {
            size_t ones = 0;
            for (size_t i = 0; i < n; i++) {
                ones += (t[i] >> b) & 1;
            }
            if (2 * ones > n) {
                want |= 1ULL << b;
            }
        }
        assert_true(nw_simhash(t, n) == want);
    }
}

static void test_lsh(void **state)
{
    (void)state;
    unsigned char a[NW_LSH_ENTRY], b[NW_LSH_ENTRY], c[NW_LSH_ENTRY], old[NW_LSH_ENTRY_OLD];
    nw_lsh_entry(3, 0xDEADBEEF, 42, 2925, a);
    nw_lsh_entry(3, 0xDEADBEEF, 43, 2926, b); /* same band and bin value: same bucket */
    nw_lsh_entry(4, 0xDEADBEEF, 42, 2925, c); /* equal values in another band: another bucket */
    nw_lsh_entry(3, 0xDEADBEEF, 42, -1, old); /* before the generation byte */
    assert_memory_equal(a, b, NW_LSH_BUCKET);
    assert_memory_not_equal(a, c, NW_LSH_BUCKET);
    assert_true(nw_lsh_shard(a, 65536) == nw_lsh_shard(b, 65536));
    assert_true(nw_lsh_shard(a, 7) < 7);
    assert_true(nw_lsh_entry_doc(a, NW_LSH_ENTRY) == 42);
    assert_true(nw_lsh_entry_doc(b, NW_LSH_ENTRY) == 43);
    assert_true(nw_lsh_entry_doc(a, NW_LSH_ENTRY - 2) == 0);
    assert_true(nw_lsh_entry_doc(old, NW_LSH_ENTRY_OLD) == 42);
    assert_memory_equal(a, old, NW_LSH_ENTRY_OLD); /* the old entry is the new one's prefix */
    /* the generation byte: an entry is live in its generation and the next, not after, and
     * an old entry (its sorted set is its generation's) always */
    assert_int_equal(nw_lsh_entry_gen(a, NW_LSH_ENTRY), 2925 & 0xFF);
    assert_int_equal(nw_lsh_entry_gen(old, NW_LSH_ENTRY_OLD), -1);
    assert_true(nw_lsh_entry_live(a, NW_LSH_ENTRY, 2925));
    assert_true(nw_lsh_entry_live(a, NW_LSH_ENTRY, 2926));
    assert_false(nw_lsh_entry_live(a, NW_LSH_ENTRY, 2927));
    assert_false(nw_lsh_entry_live(a, NW_LSH_ENTRY, 2924));
    assert_false(nw_lsh_entry_live(b, NW_LSH_ENTRY, 2925)); /* a later generation's */
    assert_true(nw_lsh_entry_live(old, NW_LSH_ENTRY_OLD, 99999));
    nw_lsh_entry(0, 1, 1, 255, a); /* the byte wraps: 255 is 256's last generation */
    assert_true(nw_lsh_entry_live(a, NW_LSH_ENTRY, 256));
    /* the README's figures: 8 bands find J = 0.27 with p = 0.92, J = 0.5 with p = 0.996 */
    assert_true(fabs(nw_lsh_candidate_probability(0.27, 8) - 0.919) < 0.001);
    assert_true(fabs(nw_lsh_candidate_probability(0.5, 8) - 0.996) < 0.001);
}

static void test_fingerprint_scheme_names_choices(void **state)
{
    (void)state;
    nw_fp_params p;
    nw_fp_params_default(&p);
    char s[NW_FP_SCHEME_MAX];
    nw_fp_scheme(&p, s, sizeof s);
    assert_string_equal(s, "v3-nfkdcf-cjkc-w3-oph128-s1");
    nw_fingerprinter f;
    nw_fingerprinter_init(&f, &p);
    nw_fingerprint fp;
    const char *t = "One two three four five.";
    assert_int_equal(nw_fingerprint_text(&f, t, strlen(t), &fp), 0);
    assert_int_equal(fp.tokens, 5);
    assert_int_equal(fp.shingles, 3);
    nw_fingerprinter_release(&f);
}

/* Chinese, Japanese and Thai have no spaces: each character is a token, so a copy with one
 * sentence changed still shares most of its shingles (a Chinese article was 6 tokens and 4
 * shingles, and its copies could not match); spaced scripts tokenize as before. */
static void test_unspaced_scripts(void **state)
{
    (void)state;
    nw_u64vec a;
    nw_u64vec_init(&a);
    assert_int_equal(tokens_of("北京今天宣布了新的经济政策。", &a), 13);
    assert_int_equal(tokens_of("東京で新しい駅", &a), 7);
    assert_int_equal(tokens_of("กรุงเทพ", &a), 6); /* the vowel mark is dropped, as marks are */
    assert_int_equal(tokens_of("서울시는 오늘", &a), 2);       /* Hangul has spaces */
    assert_int_equal(tokens_of("Sony株式会社 2024年", &a), 7); /* sony 株 式 会 社 2024 年 */
    nw_u64vec_release(&a);
    nw_fp_params p;
    nw_fp_params_default(&p);
    nw_fingerprinter f;
    nw_fingerprinter_init(&f, &p);
    nw_fingerprint x, y;
    const char *orig =
        "北京今天宣布了新的经济政策，以支持中小企业的发展和就业。政府将提供更多的贷款和"
        "税收优惠，帮助企业渡过难关。专家认为这些措施将有助于稳定经济增长。";
    const char *copy =
        "北京今天宣布了新的经济政策，以支持中小企业的发展和就业。政府将提供更多的贷款和"
        "税收优惠，帮助企业渡过难关。记者张明报道。";
    assert_int_equal(nw_fingerprint_text(&f, orig, strlen(orig), &x), 0);
    assert_int_equal(nw_fingerprint_text(&f, copy, strlen(copy), &y), 0);
    assert_true(x.shingles > 50);
    uint8_t a8[NW_MINHASH_BINS], b8[NW_MINHASH_BINS];
    for (int i = 0; i < NW_MINHASH_BINS; i++) {
        a8[i] = (uint8_t)x.minhash[i];
        b8[i] = (uint8_t)y.minhash[i];
    }
    assert_true(nw_minhash_jaccard8(a8, b8) > 0.5); /* the copy: most of the text shared */
    nw_fingerprinter_release(&f);
}

/* The masked stream: names (a capital not at a sentence's start) and numbers become one
 * token, everything else is the plain stream. */
static void test_masked_tokens(void **state)
{
    (void)state;
    nw_u64vec plain, masked;
    nw_u64vec_init(&plain);
    nw_u64vec_init(&masked);
    const char *t = "Hadson Corp said it filed for 3,750,000 shares. The offer is with \u00c9lan.";
    assert_int_equal(nw_tokenize_masked(t, strlen(t), 1, &plain, &masked), 0);
    assert_int_equal(plain.n, 15);
    assert_int_equal(masked.n, plain.n);
    /* masked: Corp (1), 3 750 000 (6, 7, 8), Élan (14); kept: Hadson and The (sentence starts) */
    const uint64_t mask = NW_TOKEN_MASK ^ 1;
    int want[15] = {0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1};
    for (size_t i = 0; i < 15; i++) {
        assert_true(want[i] ? masked.v[i] == mask : masked.v[i] == plain.v[i]);
    }
    nw_u64vec plain2;
    nw_u64vec_init(&plain2);
    assert_int_equal(nw_tokenize(t, strlen(t), 1, &plain2), 0); /* the same plain stream */
    assert_memory_equal(plain2.v, plain.v, plain.n * sizeof *plain.v);
    nw_u64vec_release(&plain);
    nw_u64vec_release(&plain2);
    nw_u64vec_release(&masked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unspaced_scripts),
        cmocka_unit_test(test_masked_tokens),
        cmocka_unit_test(test_tokenizer_folds_case_quotes_and_accents),
        cmocka_unit_test(test_shingles_are_a_set),
        cmocka_unit_test(test_minhash_estimates_jaccard),
        cmocka_unit_test(test_minhash_identical_and_empty),
        cmocka_unit_test(test_containment),
        cmocka_unit_test(test_simhash_near_texts_are_close),
        cmocka_unit_test(test_simhash_matches_reference),
        cmocka_unit_test(test_lsh),
        cmocka_unit_test(test_fingerprint_scheme_names_choices),
    };
    return cmocka_run_group_tests_name("sketch", tests, NULL, NULL);
}
