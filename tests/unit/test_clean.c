/* test_clean.c - the cleaner on the real seed articles (tests/data/seeds, run from the repo
 * root) and on small HTML pages: debris out, every article paragraph in. */
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
#include "enrich/dateline.h"
#include "io/stoplists.h"
#include "text/boilerplate.h"
#include "text/clean.h"
#include "text/gumbo_budget.h"
#include "text/html_extract.h"
#include "text/html_scan.h"

#include "cleaner_fixture.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_msg("cannot open %s (run from the repository root)", path);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static const nw_clean_result *clean_seed(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tests/data/seeds/%s", name);
    char *body = slurp(path);
    const nw_clean_result *r;
    assert_int_equal(nw_cleaner_run(cl, body, strlen(body), NW_CT_TEXT, NULL, &r), 0);
    free(body);
    return r;
}

static const nw_clean_result *clean_html(const char *page)
{
    const nw_clean_result *r;
    assert_int_equal(nw_cleaner_run(cl, page, strlen(page), NW_CT_HTML, NULL, &r), 0);
    return r;
}

static void assert_absent(const nw_clean_result *r, const char *const *phrases)
{
    for (; *phrases; phrases++) {
        if (strstr(r->text.data, *phrases)) {
            fail_msg("debris left in the text: \"%s\"", *phrases);
        }
    }
}

static void assert_present(const nw_clean_result *r, const char *const *phrases)
{
    for (; *phrases; phrases++) {
        if (!strstr(r->text.data, *phrases)) {
            fail_msg("article text lost: \"%s\"", *phrases);
        }
    }
}

static void test_seed_000_ap(void **state)
{
    (void)state;
    const nw_clean_result *r = clean_seed("000_cb190c1c7f2c8ca2.txt");
    assert_string_equal(r->title.data, "Iran Says U.S. Departure Would Calm Iraq");
    static const char *const gone[] = {"Sep 13, 4:19 PM (ET)", NULL};
    static const char *const kept[] = {"TEHRAN, Iran (AP) - Supreme Iranian leader",
                                       "Tehran denies that.",
                                       "\"Iraq is Iran's natural ally,\" state TV quoted Larijani",
                                       "Iraqi Oil Ministry spokesman Assem Jihad told AP.", NULL};
    assert_absent(r, gone);
    assert_present(r, kept);
    assert_int_equal(r->paragraphs_kept, 19);
}

static void test_seed_001_archive_notice(void **state)
{
    (void)state;
    const nw_clean_result *r = clean_seed("001_73dd3d837b8d3d39.txt");
    static const char *const gone[] = {"archive of The New York Sun", "mis-categorizations", NULL};
    static const char *const kept[] = {"TEHRAN, Iran \xe2\x80\x94 Supreme Iranian leader",
                                       "Mr. Dabbagh suggested", "during Saddam\xe2\x80\x99s rule.",
                                       NULL};
    assert_absent(r, gone);
    assert_present(r, kept);
    assert_true(r->drops[NW_BP_ARCHIVE_NOTICE].paragraphs == 1);
}

static void test_seed_002_click_here(void **state)
{
    (void)state;
    const nw_clean_result *r = clean_seed("002_21eaf0559e8ada84.txt");
    static const char *const gone[] = {"Click here", "CountryWatch", NULL};
    static const char *const kept[] = {"Iran's supreme leader Ayatollah Ali Khameni",
                                       "to Iran for refining, he said.", NULL};
    assert_absent(r, gone);
    assert_present(r, kept);
}

static void test_seed_003_paywall_appeal(void **state)
{
    (void)state;
    const nw_clean_result *r = clean_seed("003_ff29192445ed483d.txt");
    static const char *const gone[] = {"Dear Reader",
                                       "paywall",
                                       "loyal readers",
                                       "For $5 a month",
                                       "ePaper",
                                       "Premium Section",
                                       "Help us grow",
                                       "Thank you",
                                       "Ronit Hasin-Hochman",
                                       "Editor-in-Chief",
                                       "photo credit",
                                       "1 minute read",
                                       "Click here",
                                       "Related Content",
                                       "Bushehr",
                                       "Iran and the bomb",
                                       "September 13, 2006 17:26",
                                       NULL};
    static const char *const kept[] = {
        "Iran's supreme leader Ayatollah Ali Khameni told visiting Iraqi Prime Minister",
        "its wealth will come to serve the Iraqi people,\" Khamenei said.", NULL};
    assert_absent(r, gone);
    assert_present(r, kept);
    assert_true(r->drops[NW_BP_APPEAL].paragraphs >= 3);
}

static void test_seed_004_reuters_debris(void **state)
{
    (void)state;
    const nw_clean_result *r = clean_seed("004_3336bd7ffc0a815a.txt");
    static const char *const gone[] = {"Slideshow (3 Images)",
                                       "REUTERS/Morteza Nikoubazl",
                                       "narrow-browser-and-phone",
                                       "landscape-tablet-and-below",
                                       "11 years ago",
                                       "Additional reporting by",
                                       "0 : 0",
                                       NULL};
    static const char *const kept[] = {
        "TEHRAN (Reuters) - Iran told Iraq\xe2\x80\x99s prime minister",
        "For the United States, a secure Iraq could help hasten its own withdrawal.",
        "that end on Thursday.", NULL};
    assert_absent(r, gone);
    assert_present(r, kept);
    assert_string_equal(r->byline.data, "Additional reporting by Khaled Yacoub Oweis in Damascus");
}

static void test_html_page(void **state)
{
    (void)state;
    const char *page =
        "<html><head><title>Site | Headline</title>"
        "<meta property=\"og:title\" content=\"The  Headline\"></head><body>"
        "<nav><a href=/>Home</a> <a href=/w>World</a></nav>"
        "<div class=\"share-tools\">Share on Facebook</div>"
        "<article><h1>The Headline</h1>"
        "<p>BAGHDAD (AP) -- The first paragraph of the story says what happened and where.</p>"
        "<p>A second paragraph with <a href=x>a link</a> inside a sentence of the article.</p>"
        "<figure><img src=x><figcaption>A caption (AP Photo/Someone)</figcaption></figure>"
        "</article><script>var x = 1;</script><footer>Copyright 2024</footer></body></html>";
    const nw_clean_result *r;
    assert_int_equal(nw_cleaner_run(cl, page, strlen(page), NW_CT_SNIFF, NULL, &r), 0);
    assert_true(r->is_html);
    assert_string_equal(r->title.data, "The Headline");
    assert_string_equal(r->text.data,
                        "BAGHDAD (AP) -- The first paragraph of the story says what happened "
                        "and where.\n\nA second paragraph with a link inside a sentence of the "
                        "article.");
    assert_true(r->drops[NW_BP_PRUNED_CONTAINER].paragraphs >= 4);
}

/* Layout wrappers survive: a class that says "content" beats "sidebar", and a <form> that
 * wraps the whole page (ASP.NET style) is not pruned; stray links far from the article are. */
static void test_html_wrappers_and_main_run(void **state)
{
    (void)state;
    const char *page =
        "<html><body><form id=aspnetForm>"
        "<div class=\"content-with-sidebar-wrp\">"
        "<p>Home</p><p>World news and more from every region of the globe today.</p>"
        "<p><a href=a>Politics and elections coverage from our national desk</a></p>"
        "<p><a href=b>Business, markets and the economy, updated every hour</a></p>"
        "<p><a href=c>Sports results, fixtures and analysis from every league</a></p>"
        "<div class=story><p>The first paragraph of the real story says what happened "
        "yesterday in the capital, according to officials.</p>"
        "<p>The second paragraph adds detail, quotes a witness and explains why the event "
        "matters to readers across the country.</p></div>"
        "<aside class=sidebar><p>Trending now: ten things you missed this week.</p></aside>"
        "</div></form></body></html>";
    const nw_clean_result *r = clean_html(page);
    assert_non_null(strstr(r->text.data, "The first paragraph of the real story"));
    assert_non_null(strstr(r->text.data, "explains why the event matters"));
    assert_null(strstr(r->text.data, "World news and more"));
    assert_null(strstr(r->text.data, "Trending now"));
    assert_true(r->drops[NW_BP_OUTSIDE_MAIN].paragraphs >= 1);
}

/* JSON-LD articleBody: it stands in when the page renders the text by script, and it rescues
 * a paragraph the rules would drop; it never removes page text. */
static void test_html_json_ld_article_body(void **state)
{
    (void)state;
    const char *ld = "<script type=\"application/ld+json\">{\"@graph\":[{\"@type\":"
                     "\"NewsArticle\",\"articleBody\":\"The council voted on Tuesday to "
                     "rebuild the old bridge over the river, a project that officials say will "
                     "take three years and cost far more than first planned. Residents who "
                     "cross it every day said they were relieved, though some worried about "
                     "the detours during the works and about the noise near their homes.\"}]}"
                     "</script>";
    char page[2048];
    snprintf(page, sizeof page,
             "<html><head>%s</head><body><div id=app>Loading</div>"
             "</body></html>",
             ld);
    const nw_clean_result *r = clean_html(page);
    assert_non_null(strstr(r->text.data, "The council voted on Tuesday"));
    assert_null(strstr(r->text.data, "Loading"));
    /* rescue: a short line of the article (dropped as short by the rules) that the
     * articleBody contains is kept */
    snprintf(page, sizeof page,
             "<html><head>%s</head><body><article>"
             "<p>The council voted on Tuesday to rebuild the old bridge over the river, a project "
             "that officials say will take three years and cost far more than first planned.</p>"
             "<p>Residents who cross it every day said they were relieved</p>"
             "<p>Subscribe to our newsletter for more local news every morning.</p>"
             "</article></body></html>",
             ld);
    assert_int_equal(nw_cleaner_run(cl, page, strlen(page), NW_CT_HTML, NULL, &r), 0);
    assert_non_null(strstr(r->text.data, "said they were relieved"));
    assert_null(strstr(r->text.data, "Subscribe"));
}

static void test_html_nesting_bomb_is_bounded(void **state)
{
    (void)state;
    size_t depth = 5000;
    char *page = malloc(depth * 5 + 64);
    char *p = page;
    for (size_t i = 0; i < depth; i++) {
        p += sprintf(p, "<div>");
    }
    sprintf(p, "<p>deep text here.</p>");
    const nw_clean_result *r = clean_html(page);
    assert_int_equal(r->paragraphs_kept, 0); /* beyond the depth bound: left out, not walked */
    assert_true(r->drops[NW_BP_PRUNED_CONTAINER].paragraphs >= 1);
    free(page);
}

/* A theme that names the article's wrapper "penci_sidebar" around "entry-content": the wrapper
 * is not pruned for its name; reader comments made of <article>s still are. */
static void test_html_content_inside_a_pruned_name(void **state)
{
    (void)state;
    const char *page =
        "<html><body><div class=\"container penci_sidebar\">"
        "<div class=\"inner-post-entry entry-content\">"
        "<p>The first paragraph of the article explains what the council decided on Monday "
        "about the new tram line through the old town and why it took so long.</p>"
        "<p>The second paragraph quotes the mayor, who said the line would open in two years "
        "and that the works would be done in stages to spare the shops.</p>"
        "<p>A third paragraph gives the cost, which has risen twice since the plan was first "
        "shown to residents, and the reasons the planners gave for it.</p></div>"
        "<div class=sidebar-widget><p>Popular: the ten best trams of the year</p></div></div>"
        "<div id=comments class=comments-area><article class=comment><div "
        "class=comment-content><p>I have lived here forty years and this is the worst idea "
        "the council has had since the car park, and I will say so at every meeting there "
        "is until someone listens to the people who live on the route.</p></div></article>"
        "</div></body></html>";
    const nw_clean_result *r = clean_html(page);
    assert_non_null(strstr(r->text.data, "The first paragraph of the article"));
    assert_non_null(strstr(r->text.data, "reasons the planners gave"));
    assert_null(strstr(r->text.data, "forty years"));
}

/* Microdata itemprop="articleBody": a results table inside it is the article (one row, one
 * paragraph), and text outside it goes. */
static void test_html_microdata_article_body(void **state)
{
    (void)state;
    const char *page =
        "<html><body><p>Our site has the best coverage of racing in the country, every week of "
        "the year, with columns from former drivers.</p>"
        "<div itemprop=\"articleBody\" class=x><p>Standings after the final race of the "
        "season, with points, wins and poles for every driver who started at least half of "
        "the races, as published by the sanctioning body on Monday.</p><table>"
        "<tr><th>Pos</th><th>Driver</th><th>Points</th></tr>"
        "<tr><td>1</td><td>Kyle Busch</td><td>5040</td></tr>"
        "<tr><td>2</td><td>Martin Truex Jr.</td><td>5035</td></tr></table></div>"
        "</body></html>";
    const nw_clean_result *r = clean_html(page);
    assert_non_null(strstr(r->text.data, "\n\n1 Kyle Busch 5040\n\n2 Martin Truex Jr. 5035"));
    assert_null(strstr(r->text.data, "best coverage"));
    assert_int_equal(r->drops[NW_BP_NOT_IN_ARTICLE_BODY].paragraphs, 1);
}

/* A page that runs on into the next stories: a linked headline ends the article's run, and a
 * tag cloud (all links) is not text at any length. */
static void test_html_next_stories_and_tag_clouds(void **state)
{
    (void)state;
    const char *page =
        "<html><body><div class=main>"
        "<p>The first paragraph of the article tells readers that the river burst its banks on "
        "Sunday night and flooded the lower town for the second time this year.</p>"
        "<p>The second paragraph says the mayor has asked the region for emergency funds and "
        "that the schools will stay closed until the water has gone down.</p>"
        "<h2><a href=/next>Next: Council approves the new budget</a></h2>"
        "<p>The council approved next year's budget on Monday after a long debate about the "
        "cost of the new library and the repairs to the swimming pool.</p>"
        "<p><a href=/t/a>flood</a> <a href=/t/b>river</a> <a href=/t/c>weather</a> <a "
        "href=/t/d>schools</a> <a href=/t/e>mayor</a> <a href=/t/f>budget</a> <a "
        "href=/t/g>library</a> <a href=/t/h>region</a> <a href=/t/i>emergency</a> <a "
        "href=/t/j>town</a> <a href=/t/k>council</a> <a href=/t/l>swimming</a></p>"
        "</div></body></html>";
    const nw_clean_result *r = clean_html(page);
    assert_non_null(strstr(r->text.data, "until the water has gone down"));
    assert_null(strstr(r->text.data, "budget"));
    assert_null(strstr(r->text.data, "weather"));
    /* a cloud of 60 tags: long, but links from end to end */
    char cloud[8192];
    int k = snprintf(cloud, sizeof cloud, "<html><body><p>%s</p><p>",
                     "The article itself is one long enough paragraph about the floods in the "
                     "lower town, the mayor's request and the closed schools, nothing more.");
    for (int i = 0; i < 60; i++) {
        k += snprintf(cloud + k, sizeof cloud - (size_t)k, "<a href=/t/%d>tag%d</a> ", i, i);
    }
    snprintf(cloud + k, sizeof cloud - (size_t)k, "</p></body></html>");
    r = clean_html(cloud);
    assert_null(strstr(r->text.data, "tag59"));
    assert_int_equal(r->drops[NW_BP_LINK_DENSE].paragraphs, 1);
}

/* jusText's context: short lines between article paragraphs are article; after the last
 * one they are not. */
static void test_html_short_lines_between_paragraphs(void **state)
{
    (void)state;
    const char *page =
        "<html><body><div class=story>"
        "<p>The recipe starts with the dough, which needs an hour to rest in a warm place "
        "before it can be rolled out on a floured board.</p>"
        "<p>Flour, 500 g</p><p>Water, 300 ml</p><p>Salt and yeast</p>"
        "<p>Bake it for twenty minutes in a hot oven, then let it cool on a rack before you cut "
        "it, or the crumb will be gummy.</p>"
        "<p>Tags: bread</p><p>Print</p></div></body></html>";
    const nw_clean_result *r = clean_html(page);
    assert_non_null(
        strstr(r->text.data, "\n\nFlour, 500 g\n\nWater, 300 ml\n\nSalt and yeast\n\n"));
    assert_null(strstr(r->text.data, "Print"));
}

/* Readability's scoring: the box with most of the text holds the article; a story run on
 * after it in a box of its own goes, even with no headline or marker between. */
static void test_html_best_box(void **state)
{
    (void)state;
    const char *page =
        "<html><body><div class=wrap><div class=a>"
        "<p>The first paragraph of the article, which is long, says that the harbour will be "
        "dredged this winter, that ships will wait outside, and that the town pays for it.</p>"
        "<p>The second paragraph, also long, quotes the harbour master, who says the work is "
        "overdue, that the silt has built up for years, and that nothing else will help.</p>"
        "<p>The third paragraph gives the cost, the name of the contractor, the dates of the "
        "works, and the detours that fishermen will have to take in the meantime.</p>"
        "</div><div class=b><p>In other news, the choir will sing at the station on Friday "
        "evening, weather permitting, before the last train leaves.</p></div></div>"
        "</body></html>";
    const nw_clean_result *r = clean_html(page);
    assert_non_null(strstr(r->text.data, "detours that fishermen"));
    assert_null(strstr(r->text.data, "choir"));
}

/* Timestamps are dates and times, not every line that starts with a number. */
static void test_timestamps(void **state)
{
    (void)state;
    assert_int_equal(classify_line("05/10/2018 - Publicado por: Clarissa Borba"), NW_BP_TIMESTAMP);
    assert_int_equal(classify_line("Sep 13, 4:19 PM (ET)"), NW_BP_TIMESTAMP);
    assert_int_equal(classify_line("Updated 14:32 GMT"), NW_BP_TIMESTAMP);
    assert_int_equal(classify_line("2 Martin Truex Jr. 5035 7 0 15 24"), NW_BP_SHORT);
    assert_int_equal(classify_line("3 eggs, beaten"), NW_BP_SHORT);
}

/* Text without spaces between words (Japanese) is measured in characters, and the
 * ideographic full stop ends a sentence: its paragraphs are not "short". */
static void test_cjk_paragraphs_are_not_short(void **state)
{
    (void)state;
    const char *text = "\xe5\x85\x88\xe6\x97\xa5\xe3\x80\x81\xe4\xb8\x8d\xe6\xad"
                       "\xa3\xe3\x81\xab\xe6\x94\xb9\xe9\x80\xa0\xe3\x81\x97\xe3"
                       "\x81\x9f\x69\x50\x68\x6f\x6e\x65\xe3\x82\x92\xe8\xb2\xa9"
                       "\xe5\xa3\xb2\xe3\x81\x97\xe3\x81\x9f\xe3\x80\x82";
    const nw_clean_result *r;
    assert_int_equal(nw_cleaner_run(cl, text, strlen(text), NW_CT_TEXT, "t", &r), 0);
    assert_int_equal(r->paragraphs_kept, 1);
    assert_int_equal(r->drops[NW_BP_SHORT].paragraphs, 0);
}

static void test_datelines(void **state)
{
    (void)state;
    nw_dateline d;
    const char *t1 = "TEHRAN, Iran (AP) - Supreme Iranian leader";
    nw_dateline_parse(t1, strlen(t1), &d);
    assert_string_equal(d.place, "TEHRAN, Iran");
    assert_string_equal(d.agency, "AP");
    const char *t2 = "TEHRAN (Reuters) - Iran told Iraq";
    nw_dateline_parse(t2, strlen(t2), &d);
    assert_string_equal(d.place, "TEHRAN");
    assert_string_equal(d.agency, "Reuters");
    const char *t3 = "BAGHDAD -- A bomb exploded.";
    nw_dateline_parse(t3, strlen(t3), &d);
    assert_string_equal(d.place, "BAGHDAD");
    assert_null(d.agency);
    const char *t4 = "Iran's leader said so, al-Dabbagh told The Associated Press.";
    nw_dateline_parse(t4, strlen(t4), &d);
    assert_string_equal(d.place, "");
    assert_string_equal(d.agency, "AP");
    const char *t5 = "A Tuesday story - with a dash";
    nw_dateline_parse(t5, strlen(t5), &d);
    assert_string_equal(d.place, "");
    assert_int_equal(nw_word_count(" two  words\n", 12), 2);
}

static void test_language_detection(void **state)
{
    (void)state;
    char err[256];
    nw_lang *l = nw_stoplists_load("config/stoplists", err, sizeof err);
    if (!l) {
        fail_msg("%s", err);
    }
    const nw_clean_result *r = clean_seed("000_cb190c1c7f2c8ca2.txt");
    assert_string_equal(nw_lang_detect(l, r->text.data, r->text.len), "en");
    const char *de = "Der Bundestag hat am Donnerstag mit den Stimmen der Koalition ein Gesetz "
                     "beschlossen, das die Rente f\xc3\xbcr alle Versicherten erh\xc3\xb6hen soll.";
    assert_string_equal(nw_lang_detect(l, de, strlen(de)), "de");
    const char *fr = "Le gouvernement a annonc\xc3\xa9 mardi qu'il allait r\xc3\xa9"
                     "duire les "
                     "imp\xc3\xb4ts des m\xc3\xa9nages les plus modestes d\xc3\xa8s l'an prochain.";
    assert_string_equal(nw_lang_detect(l, fr, strlen(fr)), "fr");
    const char *es = "El presidente del Gobierno anunci\xc3\xb3 este lunes que las pensiones "
                     "subir\xc3\xa1n con el IPC y que no habr\xc3\xa1 recortes en la sanidad.";
    assert_string_equal(nw_lang_detect(l, es, strlen(es)), "es");
    assert_string_equal(nw_lang_detect(l, "xkcd qwrt zzyzx 1234", 20), "und");
    /* no stopwords for these: the script says (all were "und") */
    static const char *const by_script[][2] = {
        {"北京今天宣布了新的经济政策，以支持中小企业的发展和就业。", "zh"},
        {"東京で新しい駅が開業しました。多くの人が訪れています。", "ja"},
        {"서울시는 오늘 새로운 교통 정책을 발표했습니다.", "ko"},
        {"أعلنت الحكومة اليوم عن خطة جديدة لدعم الشركات الصغيرة.", "ar"},
        {"دولت امروز برنامه جدیدی برای پشتیبانی از کسب و کارهای کوچک اعلام کرد.", "fa"},
        {"הממשלה הודיעה היום על תוכנית חדשה לתמיכה בעסקים קטנים.", "he"},
        {"รัฐบาลประกาศแผนใหม่เพื่อสนับสนุนธุรกิจขนาดเล็กในวันนี้", "th"},
        {"सरकार ने आज छोटे व्यवसायों की मदद के लिए नई योजना की घोषणा की।", "hi"},
    };
    for (size_t i = 0; i < sizeof by_script / sizeof by_script[0]; i++) {
        const char *t = by_script[i][0];
        assert_string_equal(nw_lang_detect(l, t, strlen(t)), by_script[i][1]);
    }
    /* a few foreign letters in a Latin text change nothing */
    const char *mixed =
        "Shares of Sony (ソニー) and Toyota rose in Tokyo on Monday as the yen fell.";
    assert_string_equal(nw_lang_detect(l, mixed, strlen(mixed)), "en");
    assert_null(nw_stoplists_load("/nonexistent", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/English.txt: cannot open stopword list"));
    nw_lang_free(l);
}

static const char *html_scan_reason(const char *html)
{
    static nw_err err;
    nw_err_clear(&err);
    return nw_html_scan(html, strlen(html), NW_HTML_MAX_DEPTH, &err) == NW_OK ? "ok" : err.reason;
}

/* "<tag>" repeated n times, then "x", then suffix; malloc'd */
static char *repeated(const char *unit, size_t n, const char *suffix)
{
    size_t u = strlen(unit), s = strlen(suffix);
    char *p = malloc(u * n + s + 2);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        memcpy(p + i * u, unit, u);
    }
    p[u * n] = 'x';
    memcpy(p + u * n + 1, suffix, s + 1);
    return p;
}

/* The pre-scan's answer for repeated(unit, n, suffix). */
static const char *scan_of_repeated(const char *unit, size_t n, const char *suffix)
{
    char *p = repeated(unit, n, suffix);
    const char *reason = html_scan_reason(p);
    free(p);
    return reason;
}

/* Pages that took the clean stage past 8 GB in gumbo are refused by a linear pre-scan;
 * real shapes of page (unclosed p and li, void elements, tags in scripts and comments) pass. */
static void test_html_depth_limit(void **state)
{
    (void)state;
    assert_string_equal(scan_of_repeated("<div>", 50000, ""), "too_complex");
    assert_string_equal(scan_of_repeated("<b>x ", 20000, ""), "too_complex");
    assert_string_equal(scan_of_repeated("<div class=\"a>b\">", NW_HTML_MAX_DEPTH, ""),
                        "ok"); /* '>' inside quotes */
    assert_string_equal(scan_of_repeated("<span>", NW_HTML_MAX_DEPTH + 1, ""), "too_complex");
    assert_string_equal(scan_of_repeated("<div></div>", NW_HTML_MAX_ELEMENTS, ""),
                        "ok"); /* many, but closed */
    assert_string_equal(scan_of_repeated("<div></div>", NW_HTML_MAX_ELEMENTS + 1, ""),
                        "too_complex"); /* one element too many */
    assert_string_equal(scan_of_repeated("x<p>", 1000000, ""),
                        "too_complex"); /* 4 MB of elements took gumbo to 490 MB */
    assert_string_equal(scan_of_repeated("</p>", NW_HTML_MAX_ELEMENTS + 1, ""),
                        "too_complex"); /* each stray </p> makes a <p> */
    /* an end tag naming no open element closes nothing: each <svg> is one level deeper */
    assert_string_equal(scan_of_repeated("<svg></ul>", NW_HTML_MAX_DEPTH + 1, ""), "too_complex");
    /* in SVG and MathML every start tag nests, and some leave it first (the fuzzer's page
     * of these nested 47,000 deep in gumbo and took 10 s) */
    assert_string_equal(scan_of_repeated("<svg><td>", NW_HTML_MAX_DEPTH, ""), "too_complex");
    assert_string_equal(scan_of_repeated("<svg><div>", NW_HTML_MAX_DEPTH + 1, ""), "too_complex");
    assert_string_equal(scan_of_repeated("<div><span><svg><div><svg></template><template>",
                                         NW_HTML_MAX_DEPTH / 3 + 1, ""),
                        "too_complex");
    /* icons, as real pages have them */
    assert_string_equal(
        scan_of_repeated("<svg viewBox='0 0 9 9'><path d='M0 0'/><g><circle r=1 /></g></svg> ",
                         5000, ""),
        "ok");
    assert_string_equal(
        scan_of_repeated("<svg><foreignObject><p>text<td>cell</foreignObject></svg>", 5000, ""),
        "ok");
    /* an end tag closes the elements opened inside the one it names */
    assert_string_equal(scan_of_repeated("<section><b><i>word</section>", 1000, ""), "ok");
    assert_string_equal(scan_of_repeated("<p>para <li>item <br><img src=x><td>cell ", 5000, ""),
                        "ok");
    /* Reuters marks companies <Shell U.K. Ltd's>: the quote is part of a name, not the start
     * of a value that runs on through the article (it once counted as 300 attributes) */
    char *p = repeated("word ", 400, "");
    char *text = malloc(strlen(p) + 64);
    sprintf(text, "<Shell U.K. Ltd's> pre-tax it's %s <b>done</b>", p);
    assert_string_equal(html_scan_reason(text), "ok");
    free(text);
    free(p);
    p = repeated(" a", 300, ">"); /* 300 attributes on one element */
    text = malloc(strlen(p) + 8);
    sprintf(text, "<div%s", p);
    assert_string_equal(html_scan_reason(text), "too_complex");
    free(text);
    free(p);
    p = repeated("w ", 300, "'>"); /* 300 words in one quoted value */
    text = malloc(strlen(p) + 16);
    sprintf(text, "<div title='%s", p);
    assert_string_equal(html_scan_reason(text), "ok");
    free(text);
    free(p);
    assert_string_equal(scan_of_repeated("<a href=x>link ", 5000, ""),
                        "ok"); /* each <a> replaces the open one */
    assert_string_equal(scan_of_repeated("<div><a href=x>link ", NW_HTML_MAX_DEPTH, ""),
                        "too_complex"); /* but what it holds stays */
    p = repeated("<i>", 5000, "</i>");
    char *page = malloc(strlen(p) + 64);
    sprintf(page, "<script>var s = '%s';</script><!-- <div><div> -->", p);
    assert_string_equal(html_scan_reason(page), "ok");
    free(page);
    free(p);
}

/* gumbo's memory is counted: a parse over its budget jumps out and the caller frees it all */
static void test_gumbo_budget(void **state)
{
    (void)state;
    GumboOptions opts;
    static nw_gumbo_budget b; /* read after longjmp */
    jmp_buf over;
    char *p = repeated("x<p>", 100000, ""); /* ~250 bytes of parser memory an element */
    nw_gumbo_budget_init(&b, 4u << 20, &over, &opts);
    if (setjmp(over) == 0) {
        gumbo_parse_with_options(&opts, p, strlen(p));
        fail_msg("parsed 100,000 elements in 4 MB");
    }
    assert_true(b.used > 3u << 20 && b.used <= 4u << 20);
    nw_gumbo_budget_release(&b);
    nw_gumbo_budget_init(&b, 64u << 20, &over, &opts);
    if (setjmp(over) == 0) {
        GumboOutput *out = gumbo_parse_with_options(&opts, p, strlen(p));
        assert_true(b.used > 4u << 20);
        assert_int_equal(out->root->v.element.children.length, 2); /* head, body */
        gumbo_destroy_output(&opts, out);
    } else {
        fail_msg("100,000 elements took over 64 MB");
    }
    nw_gumbo_budget_release(&b);
    free(p);
}

/* gumbo keeps a copy of the open elements with each parse error; the fuzzer's
 * "<td><div><a>" repeated 16,000 times held 1.45 GB of them. We never read the errors. */
static void test_parse_errors_not_kept(void **state)
{
    (void)state;
    char *p = repeated("<td class=x><div class=x><a class=x href='y'>", 4000, "");
    nw_paras ps;
    nw_html_result r;
    nw_paras_init(&ps);
    nw_html_result_init(&r);
    assert_int_equal(nw_html_extract(p, strlen(p), &ps, &r), NW_OK);
    assert_true(r.parser_bytes < 16u << 20);
    nw_paras_release(&ps);
    nw_html_result_release(&r);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_000_ap),
        cmocka_unit_test(test_seed_001_archive_notice),
        cmocka_unit_test(test_seed_002_click_here),
        cmocka_unit_test(test_seed_003_paywall_appeal),
        cmocka_unit_test(test_seed_004_reuters_debris),
        cmocka_unit_test(test_html_page),
        cmocka_unit_test(test_html_wrappers_and_main_run),
        cmocka_unit_test(test_html_json_ld_article_body),
        cmocka_unit_test(test_html_nesting_bomb_is_bounded),
        cmocka_unit_test(test_html_content_inside_a_pruned_name),
        cmocka_unit_test(test_html_microdata_article_body),
        cmocka_unit_test(test_cjk_paragraphs_are_not_short),
        cmocka_unit_test(test_html_next_stories_and_tag_clouds),
        cmocka_unit_test(test_html_short_lines_between_paragraphs),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_html_best_box),
        cmocka_unit_test(test_datelines),
        cmocka_unit_test(test_language_detection),
        cmocka_unit_test(test_html_depth_limit),
        cmocka_unit_test(test_gumbo_budget),
        cmocka_unit_test(test_parse_errors_not_kept),
    };
    return cmocka_run_group_tests_name("clean", tests, cleaner_setup, cleaner_teardown);
}
