/* test_enrich.c - what enrich finds in an article by itself: entities on real sentences of
 * the seeds and of Reuters-21578, precision and recall on the hand-annotated articles of
 * tests/data/entities, terms and TF-IDF keywords, publication times to UTC. Run from the
 * repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/doc.h"
#include "core/nw_error.h"
#include "core/timefmt.h"
#include "enrich/entities.h"
#include "enrich/entity_words.h"
#include "enrich/keywords.h"
#include "io/gazetteer_load.h"

static nw_gazetteer *gaz;
static nw_entity_extractor *ex;
static nw_entities found;

static int setup(void **state)
{
    (void)state;
    char err[512];
    gaz = nw_gazetteer_load("config/gazetteer", err, sizeof err);
    if (!gaz) {
        fprintf(stderr, "%s (run from the repository root)\n", err);
        return -1;
    }
    ex = nw_entity_extractor_new(gaz);
    return ex ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nw_entity_extractor_free(ex);
    nw_gazetteer_free(gaz);
    return 0;
}

static void extract(const char *text)
{
    assert_int_equal(nw_entities_extract(ex, text, strlen(text), &found), 0);
}

static const nw_entity *entity(nw_entity_kind kind, const char *name)
{
    for (size_t i = 0; i < found.n; i++) {
        if (found.e[i].kind == kind && strcmp(found.e[i].name, name) == 0) {
            return &found.e[i];
        }
    }
    return NULL;
}

static const nw_entity *must(nw_entity_kind kind, const char *name, unsigned count)
{
    const nw_entity *e = entity(kind, name);
    if (!e) {
        fail_msg("no %s \"%s\" among %zu entities", nw_entity_kind_name(kind), name, found.n);
    }
    if (count && e->count != count) {
        fail_msg("%s \"%s\": %u mentions, expected %u", nw_entity_kind_name(kind), name, e->count,
                 count);
    }
    return e;
}

static int has_alias(const nw_entity *e, const char *alias)
{
    for (size_t i = 0; i < e->naliases; i++) {
        if (strcmp(e->aliases[i], alias) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_word_lists_are_sorted(void **state)
{
    (void)state;
    const char *const *lists[] = {nw_function_words, nw_calendar_words, nw_strong_titles,
                                  nw_weak_titles,    nw_role_words,     nw_speech_verbs,
                                  nw_org_heads,      nw_connectors};
    const size_t sizes[] = {nw_function_words_n, nw_calendar_words_n, nw_strong_titles_n,
                            nw_weak_titles_n,    nw_role_words_n,     nw_speech_verbs_n,
                            nw_org_heads_n,      nw_connectors_n};
    for (size_t l = 0; l < sizeof sizes / sizeof sizes[0]; l++) {
        for (size_t i = 1; i < sizes[l]; i++) {
            if (strcmp(lists[l][i - 1], lists[l][i]) >= 0) {
                fail_msg("list %zu out of order at \"%s\"", l, lists[l][i]);
            }
        }
    }
    assert_true(NW_IN(strong_titles, "ayatollah"));
    assert_false(NW_IN(strong_titles, "ayatollahs"));
}

static void test_gazetteer(void **state)
{
    (void)state;
    nw_gazetteer *g = nw_gazetteer_new();
    nw_gaz_hit hit;
    const char line[] = "United States|U.S.|US|United  States of America\n";
    assert_int_equal(nw_gazetteer_add_line(g, NW_ENT_PLACE, line, strlen(line)), 0);
    assert_int_equal(nw_gazetteer_add_line(g, NW_ENT_PLACE, "# comment", 9), 0);
    assert_int_equal(nw_gazetteer_add_line(g, NW_ENT_ORG, "A B C D E F G", 13), NW_E_INPUT);
    assert_int_equal(nw_gazetteer_size(g), 4);
    assert_true(nw_gazetteer_find(g, "u.s.", 4, &hit));
    assert_string_equal(hit.canonical, "United States");
    assert_int_equal(hit.kind, NW_ENT_PLACE);
    assert_true(nw_gazetteer_find(g, "UNITED STATES OF AMERICA", 24, &hit));
    assert_false(nw_gazetteer_find(g, "United", 6, &hit));
    nw_gazetteer_free(g);
    assert_true(nw_gazetteer_size(gaz) > 500); /* the shipped lists load */
}

/* seed 000 (AP): titles, a role word before a name, a dateline, surname-only mentions */
static void test_people_and_places_of_the_ap_story(void **state)
{
    (void)state;
    extract("TEHRAN, Iran (AP) - Supreme Iranian leader Ayatollah Ali Khamenei told the "
            "visiting Iraqi prime minister Wednesday that the way to end instability in Iraq is "
            "for U.S. forces to withdraw.\n\n"
            "Prime Minister Nouri al-Maliki was on the second day of his first visit to Iran "
            "since he taking office in May.\n\n"
            "Khamenei told al-Maliki that Iran \"considers it an obligation to support the Iraqi "
            "government in practical ways,\" Iran's state news agency said.\n\n"
            "Al-Maliki's Dawa Party is closely allied with Iran.");
    must(NW_ENT_PERSON, "Ali Khamenei", 2);
    const nw_entity *m = must(NW_ENT_PERSON, "Nouri al-Maliki", 3);
    assert_true(has_alias(m, "al-Maliki"));
    assert_true(has_alias(m, "Al-Maliki"));
    must(NW_ENT_PLACE, "Tehran", 1);
    must(NW_ENT_PLACE, "Iran", 5);
    must(NW_ENT_PLACE, "Iraq", 1);
    assert_true(has_alias(must(NW_ENT_PLACE, "United States", 1), "U.S."));
    must(NW_ENT_ORG, "Associated Press", 1);
    must(NW_ENT_ORG, "Dawa Party", 1);
    assert_null(entity(NW_ENT_PERSON, "Wednesday"));
    assert_null(entity(NW_ENT_PERSON, "May"));
    assert_int_equal(found.n, 8);
}

static void test_organisations_and_appositives(void **state)
{
    (void)state;
    extract("In a meeting with Ali Larijani, Iran's top nuclear negotiator, al-Maliki thanked "
            "Iran for giving haven to Iraqi leaders.\n\n"
            "Iraq will send crude oil to refineries in Iran for processing, Iraq's Oil Ministry "
            "said Wednesday. An Iranian-Turkish company will deliver gasoline, Iraqi Oil "
            "Ministry spokesman Assem Jihad told AP.\n\n"
            "The Semiconductor Industry Association (SIA) urged sanctions. The SIA said Japan "
            "had not lived up to the agreement.");
    must(NW_ENT_PERSON, "Ali Larijani", 1);
    must(NW_ENT_PERSON, "Assem Jihad", 1);
    const nw_entity *oil = must(NW_ENT_ORG, "Iraqi Oil Ministry", 2);
    assert_true(has_alias(oil, "Oil Ministry"));
    assert_true(has_alias(must(NW_ENT_ORG, "Semiconductor Industry Association", 2), "SIA"));
    must(NW_ENT_PLACE, "Iraq", 2);
    must(NW_ENT_PLACE, "Japan", 1);
    assert_true(has_alias(must(NW_ENT_ORG, "Associated Press", 1), "AP"));
}

/* seed 004 (Reuters) and wrapped Reuters-21578 lines */
static void test_titles_inside_runs_and_wrapped_lines(void **state)
{
    (void)state;
    extract("Iraqi Prime Minister Nuri al-Maliki, in Iran for talks with senior officials, is "
            "facing mounting pressure.\n\n"
            "\"The Islamic Republic of Iran has always made a special effort,\" Iranian First "
            "Vice-President Parviz Davoudi said in talks with Maliki.\n\n"
            "Reagan made the comments at a photo session with William\nWebster, his nominee as "
            "head of the Central Intelligence\nAgency.\n\n"
            "Additional reporting by Khaled Yacoub Oweis in Damascus");
    assert_true(has_alias(must(NW_ENT_PERSON, "Nuri al-Maliki", 2), "Maliki"));
    must(NW_ENT_PERSON, "Parviz Davoudi", 1);
    must(NW_ENT_PERSON, "William Webster", 1);
    must(NW_ENT_PERSON, "Khaled Yacoub Oweis", 1);
    must(NW_ENT_ORG, "Central Intelligence Agency", 1);
    must(NW_ENT_PLACE, "Damascus", 1);
    must(NW_ENT_PLACE, "Iran", 2);
    assert_null(entity(NW_ENT_PERSON, "Reagan")); /* no title, no speech verb: not sure */
}

static void test_no_entities_in_plain_sentences(void **state)
{
    (void)state;
    extract("But the talks ended early. In the end, nobody said anything. The President and "
            "the Ministry declined to comment on Monday.");
    assert_int_equal(found.n, 0);
    extract("");
    assert_int_equal(found.n, 0);
}

/* ---- the annotated set ---- */

static int matches(const nw_entity *e, const char *alternatives)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", alternatives);
    char *save = NULL;
    for (char *a = strtok_r(buf, "|", &save); a; a = strtok_r(NULL, "|", &save)) {
        if (strcasecmp(a, e->name) == 0) {
            return 1;
        }
        for (size_t i = 0; i < e->naliases; i++) {
            if (strcasecmp(a, e->aliases[i]) == 0) {
                return 1;
            }
        }
    }
    return 0;
}

static void score_article(yajl_val doc, size_t *tp, size_t *fp, size_t *fn)
{
    static const char *const kinds[] = {"people", "places", "organizations"};
    const char *tpath[] = {"text", NULL};
    yajl_val text = yajl_tree_get(doc, tpath, yajl_t_string);
    assert_non_null(text);
    extract(text->u.string);
    int used[NW_ENT_MAX] = {0};
    for (int k = 0; k < 3; k++) {
        const char *gpath[] = {kinds[k], NULL};
        yajl_val gold = yajl_tree_get(doc, gpath, yajl_t_array);
        assert_non_null(gold);
        for (size_t g = 0; g < gold->u.array.len; g++) {
            const char *want = gold->u.array.values[g]->u.string;
            size_t hit = found.n;
            for (size_t i = 0; i < found.n && hit == found.n; i++) {
                if ((int)found.e[i].kind == k && !used[i] && matches(&found.e[i], want)) {
                    hit = i;
                }
            }
            if (hit < found.n) {
                used[hit] = 1;
                (*tp)++;
            } else {
                (*fn)++;
            }
        }
    }
    for (size_t i = 0; i < found.n; i++) {
        *fp += !used[i];
    }
}

static void test_precision_and_recall_on_annotated_articles(void **state)
{
    (void)state;
    FILE *f = fopen("tests/data/entities/annotated.jsonl", "r");
    assert_non_null(f);
    static char line[1 << 16];
    size_t tp = 0, fp = 0, fn = 0, articles = 0;
    while (fgets(line, sizeof line, f)) {
        nw_err err;
        yajl_val doc = nw_json_parse(line, strlen(line), &err);
        assert_non_null(doc);
        score_article(doc, &tp, &fp, &fn);
        yajl_tree_free(doc);
        articles++;
    }
    fclose(f);
    double p = (double)tp / (double)(tp + fp), r = (double)tp / (double)(tp + fn);
    printf("     entities on %zu annotated articles: %zu right, %zu wrong, %zu missed: "
           "precision %.3f, recall %.3f, F1 %.3f\n",
           articles, tp, fp, fn, p, r, 2 * p * r / (p + r));
    assert_int_equal(articles, 22);
    assert_true(p >= 0.95);
    assert_true(r >= 0.85);
}

/* ---- terms and keywords ---- */

static int english_stop(void *arg, const char *w, size_t n)
{
    (void)arg;
    static const char *const stop[] = {"the", "and", "said", "that", "for", NULL};
    for (size_t i = 0; stop[i]; i++) {
        if (strlen(stop[i]) == n && memcmp(stop[i], w, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_terms(void **state)
{
    (void)state;
    nw_term_counter *c = nw_term_counter_new();
    const nw_term *t;
    size_t n;
    const char text[] = "Iran's oil and IRAN’s gas: Iran said the oil deal, a Shi'ite-led deal, "
                        "was 2007's biggest. Öl ÖL öl.";
    assert_int_equal(nw_terms_count(c, text, strlen(text), english_stop, NULL, 100, &t, &n), 0);
    /* most frequent first, ties in order of appearance; possessives and case fold */
    assert_string_equal(t[0].text, "iran");
    assert_int_equal(t[0].tf, 3);
    assert_string_equal(t[1].text, "\xc3\xb6l"); /* Öl ÖL öl */
    assert_int_equal(t[1].tf, 3);
    assert_string_equal(t[2].text, "oil");
    assert_int_equal(t[2].tf, 2);
    assert_string_equal(t[3].text, "deal");
    assert_string_equal(t[4].text, "gas");
    int shiite = 0, year = 0;
    for (size_t i = 0; i < n; i++) {
        shiite |= strcmp(t[i].text, "shi'ite-led") == 0;
        year |= strncmp(t[i].text, "2007", 4) == 0;
        assert_false(english_stop(NULL, t[i].text, t[i].len));
    }
    assert_true(shiite);
    assert_false(year); /* no letters: not a term */
    /* the counter forgets the previous document */
    assert_int_equal(nw_terms_count(c, "gas gas", 7, NULL, NULL, 100, &t, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].tf, 2);
    /* a possessive at the very end of the buffer: nothing past it is read (ASan watches) */
    char *exact = malloc(6);
    memcpy(exact, "Iran's", 6);
    assert_int_equal(nw_terms_count(c, exact, 6, NULL, NULL, 100, &t, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(t[0].text, "iran");
    free(exact);
    /* only the most frequent are kept */
    assert_int_equal(nw_terms_count(c, text, strlen(text), english_stop, NULL, 2, &t, &n), 0);
    assert_int_equal(n, 2);
    nw_term_counter_free(c);
}

static void test_keywords_weigh_rarity(void **state)
{
    (void)state;
    const nw_term terms[] = {{"said", 4, 5}, {"khamenei", 8, 3}, {"oil", 3, 3}, {"iran", 4, 1}};
    const long long df[] = {1000, 2, 400, 900};
    nw_keyword kw[3];
    size_t n = nw_keywords_top(terms, df, 4, 1000, kw, 3);
    assert_int_equal(n, 3);
    assert_string_equal(kw[0].term->text, "khamenei"); /* rare beats frequent-everywhere */
    assert_string_equal(kw[1].term->text, "oil");
    assert_true(kw[0].score > kw[1].score && kw[1].score > kw[2].score);
    double want = (1 + log(3.0)) * (log(1001.0 / 3.0) + 1);
    assert_true(fabs(kw[0].score - want) < 1e-9);
    /* no history: term frequency alone decides */
    n = nw_keywords_top(terms, (const long long[]){0, 0, 0, 0}, 4, 0, kw, 2);
    assert_string_equal(kw[0].term->text, "said");
    assert_int_equal(nw_keywords_top(terms, df, 4, 1000, kw, 0), 0);
}

static void test_time_parse_to_utc(void **state)
{
    (void)state;
    static const struct {
        const char *in, *utc;
    } cases[] = {
        {"2006-09-13T20:19:00Z", "2006-09-13T20:19:00.000Z"},
        {"2006-09-13T16:19:00-04:00", "2006-09-13T20:19:00.000Z"},
        {"2006-09-14T01:49:00.250+0530", "2006-09-13T20:19:00.250Z"},
        {"2006-09-13 20:19", "2006-09-13T20:19:00.000Z"},
        {"2006-09-13", "2006-09-13T00:00:00.000Z"},
        {"Wed, 13 Sep 2006 16:19:00 EDT", "2006-09-13T20:19:00.000Z"},
        {"13 Sep 2006 20:19 GMT", "2006-09-13T20:19:00.000Z"},
        {"Wed, 13 Sep 2006", NULL},
        {"Wed, 13 Sep 2006 16:19:00 -0400", "2006-09-13T20:19:00.000Z"},
        {"2000-02-29T00:00:00Z", "2000-02-29T00:00:00.000Z"},
        {"1969-12-31T23:59:59Z", "1969-12-31T23:59:59.000Z"},
        {"yesterday", NULL},
        {"2006-13-01", NULL},
        {"2006-09-13T20:19:00 PST8", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ms;
        char out[32];
        int rc = nw_time_parse(cases[i].in, &ms);
        if (!cases[i].utc) {
            if (rc == 0) {
                fail_msg("\"%s\" should not parse", cases[i].in);
            }
            continue;
        }
        if (rc != 0) {
            fail_msg("\"%s\" did not parse", cases[i].in);
        }
        nw_time_format_ms(ms, out, sizeof out);
        assert_string_equal(out, cases[i].utc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_lists_are_sorted),
        cmocka_unit_test(test_gazetteer),
        cmocka_unit_test(test_people_and_places_of_the_ap_story),
        cmocka_unit_test(test_organisations_and_appositives),
        cmocka_unit_test(test_titles_inside_runs_and_wrapped_lines),
        cmocka_unit_test(test_no_entities_in_plain_sentences),
        cmocka_unit_test(test_precision_and_recall_on_annotated_articles),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_keywords_weigh_rarity),
        cmocka_unit_test(test_time_parse_to_utc),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
