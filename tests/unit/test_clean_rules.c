/* test_clean_rules.c - one small page per extraction rule added for article recall on varied
 * pages (issue "Clean the world's pages"): what the rule keeps, and what it still drops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "text/boilerplate.h"
#include "text/clean.h"

#include "cleaner_fixture.h"

static const char *clean_html(const char *page)
{
    const nw_clean_result *r;
    assert_int_equal(nw_cleaner_run(cl, page, strlen(page), NW_CT_HTML, NULL, &r), 0);
    return r->text.data ? r->text.data : "";
}

#define assert_kept(text, s)                                                                       \
    do {                                                                                           \
        if (!strstr((text), (s))) {                                                                \
            fail_msg("article text lost: \"%s\" (kept: \"%s\")", (s), (text));                     \
        }                                                                                          \
    } while (0)
#define assert_dropped(text, s)                                                                    \
    do {                                                                                           \
        if (strstr((text), (s))) {                                                                 \
            fail_msg("debris kept: \"%s\"", (s));                                                  \
        }                                                                                          \
    } while (0)

/* "subscription", "premium", "donation" alone are words of articles; with the reader
 * addressed, or on a short line, they are an appeal */
static void test_appeal_words_need_the_reader(void **state)
{
    (void)state;
    assert_int_equal(classify_line("Rhapsody's subscription-based music app for Android has been "
                                   "updated with personalized recommendations on the home screen, "
                                   "based on what was listened to before and the time of day."),
                     NW_BP_NONE);
    assert_int_equal(classify_line("Her family agreed to the organ donation within hours, the "
                                   "hospital said, and six patients received a transplant."),
                     NW_BP_NONE);
    assert_int_equal(classify_line("Any Rhapsody subscribers out there, or are the free streaming "
                                   "alternatives good enough for you? What is your take?"),
                     NW_BP_NONE);
    assert_int_equal(classify_line("Subscribe to our newsletter"), NW_BP_APPEAL);
    assert_int_equal(classify_line("Get the best of the week in your inbox: subscribe today and "
                                   "never miss a story from the team again."),
                     NW_BP_APPEAL);
    assert_int_equal(classify_line("Dear reader, our journalism depends on loyal readers like the "
                                   "ones who have supported the paper for a decade and more."),
                     NW_BP_APPEAL);
}

/* ruby readings and MathML's TeX annotation are not words of the text; the visible forms are */
static void test_ruby_and_math_annotations_dropped(void **state)
{
    (void)state;
    const char *text = clean_html(
        "<html><body><article><p>\xe6\x98\x94<ruby>\xe6\x98\x94<rp>(</rp><rt>\xe3\x81\x82"
        "</rt><rp>)</rp></ruby>, a long sentence follows here so that the paragraph is kept as "
        "article text by every rule of the cleaner.</p>"
        "<p>The number of nodes <math><semantics><mi>N</mi><annotation encoding=\"application/"
        "x-tex\">{\\displaystyle N}</annotation></semantics></math> grows with the size of the "
        "graph, which is what the second paragraph of this article says.</p></article></body>"
        "</html>");
    assert_kept(text, "\xe6\x98\x94\xe6\x98\x94, a long sentence");
    assert_dropped(text, "\xe3\x81\x82");
    assert_kept(text, "nodes N grows");
    assert_dropped(text, "displaystyle");
}

/* A paragraph long enough to be article text by every rule (its own words as a marker). */
#define PARA(marker)                                                                               \
    "<p>" marker ", and then the article goes on for a while, with commas, clauses, and enough "   \
    "words in a sentence that no rule of the cleaner would call it short or debris.</p>"

/* class/id words are component names: an id made of a heading's words is an anchor, a
 * "caption" box with an article's worth of text is the article, and the share and
 * related-post widgets whose names join their words are still widgets */
static void test_class_and_id_words(void **state)
{
    (void)state;
    const char *text = clean_html("<html><body><div class=post>" PARA("First") PARA(
        "Second") "<div id=sharing-with-a-single-developer><h2>Sharing with one "
                  "developer</h2>" PARA("Third") PARA(
                      "Fourth") "</div>"
                                "<div id=jp-relatedposts class=jp-relatedposts><h3>Related"
                                "</h3><p>Another story of the site, with a teaser that is long "
                                "enough to be a sentence.</p></div>"
                                "<div class=sharedaddy><p>Share this: Twitter, Facebook, and a "
                                "long list of other places to post the link to.</p></div>"
                                "</div></body></html>");
    assert_kept(text, "Third, and then");
    assert_kept(text, "Sharing with one developer");
    assert_dropped(text, "Another story of the site");
    assert_dropped(text, "Twitter, Facebook");

    text =
        clean_html("<html><body><div class=nav><a href=/>Home</a> <a href=/a>About</a></div>"
                   "<div class=item-caption>" PARA("One")
                       PARA("Two") "<div "
                                   "class=caption>The harbour at dawn, seen from the pier by the "
                                   "photographer.</div>" PARA("Three") "</div></body></html>");
    assert_kept(text, "Two, and then");
    assert_kept(text, "Three, and then");
    assert_dropped(text, "seen from the pier");
}

/* the lead set apart above the body (Herald Sun: an intro box and three paragraphs, the rest
 * behind "Read more") joins the body's box; a story after the body in its own box still goes */
static void test_lead_joins_the_body(void **state)
{
    (void)state;
    static const char page[] =
        "<html><body><div class=page><div class=story-body><div class=story-intro>"
        "<p><strong>A high-powered team has been doing the rounds of media organisations in the "
        "past few days, in an attempt to allay concerns. It failed.</strong></p></div>" /**/
        PARA("Lead two") PARA("Lead three")                                             /**/
        "<div id=read-more><div id=read-more-link><a href=''>Read more</a></div>"
        "<div id=read-more-content>"                                           /**/
        PARA("Body one") PARA("Body two") PARA("Body three") PARA("Body four") /**/
        PARA("Body five") PARA("Body six")                                     /**/
        "</div></div></div></div><div class=next>" PARA("Next story") "</div></body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "It failed.");
    assert_kept(text, "Lead three, and then");
    assert_kept(text, "Body six, and then");
    assert_dropped(text, "Next story");
}

/* a list the article introduces with a colon is the article's, however short its lines */
static void test_introduced_list_kept(void **state)
{
    (void)state;
    static const char page[] =
        "<html><body><div class=nav><a href=/>Home</a></div><div class=story>" /**/
        PARA("The band will tour") "<p>The 50th Anniversary Tour 2020 dates:</p>"
                                   "<p>June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL</p>"
                                   "<p>June 10 -- Credit Union Amphitheatre, Tampa, FL</p>"
                                   "<p>June 14 -- Bank Amphitheatre, Alpharetta, GA</p>"
                                   "<div class=x><p>Tags: "
                                   "music</p><p>Print</p></div></div></body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "The 50th Anniversary Tour 2020 dates:\n\nJune 9 -- Coral Sky");
    assert_kept(text, "June 14 -- Bank Amphitheatre");
    assert_dropped(text, "Print");

    /* a deal's product is linked, its price is not */
    static const char deals[] = "<html><body><div class=story>" PARA(
        "This week's deals") "<p>Other deals:</p>"
                             "<p><a href=/a>2TB Portable Hard Drive USB 3.0</a> for $161.99 with "
                             "free shipping</p>"
                             "<p><a href=/b>Dual-Band Wireless Router</a> for $140 with free "
                             "shipping</p>"
                             "<p><a href=/c>Speaker System</a> for $118.99 with free shipping</p>"
                             "<p><a href=/d>Archive</a></p></div></body></html>";
    text = clean_html(deals);
    assert_kept(text, "Other deals:\n\n2TB Portable Hard Drive USB 3.0 for $161.99");
    assert_kept(text, "Speaker System for $118.99");
    assert_dropped(text, "Archive");
}

/* short lines between article lines are article before the densest run is chosen: a poem's
 * lines are short, its stanzas' last lines sentences (the lines before the first sentence
 * are still lost) */
static void test_poem_lines_kept(void **state)
{
    (void)state;
    static const char page[] =
        "<html><body><div class=menu><p>Home</p><p>Archive</p><p>About us</p></div>"
        "<div class=entry><p>I wander often from the way,</p><p>And sin afflicts me every day:</p>"
        "<p>Oh, when shall I be pure?</p><p>Christ leads me to the path again,</p>"
        "<p>And washes me from every stain,</p><p>A cleansing full and sure.</p>"
        "<p>I hear the world's enticing voice,</p><p>That tempts me to a godless choice:</p>"
        "<p>How shall I stand the test?</p></div>"
        "<div class=side><p>Subscribe via RSS</p><p>Subscribe via Email</p></div></body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "Oh, when shall I be pure?\n\nChrist leads me to the path again,\n\nAnd "
                      "washes me from every stain,");
    assert_kept(text, "How shall I stand the test?");
    assert_dropped(text, "Subscribe");
    assert_dropped(text, "Archive");
}

/* readers' comments are kept apart: after a heading that opens them (not an article's
 * "Comment" section), in containers named for them however the name is joined, and the
 * comment form's prompts */
static void test_comments_kept_apart(void **state)
{
    (void)state;
    static const char page[] = "<html><body><div class=entry>"    /**/
        PARA("Article one") PARA("Article two")                   /**/
        "<h2>Commentary</h2>" PARA("Article three")               /**/
        "<h3>Comment</h3>" PARA("Offer the journalist a comment") /**/
        "<p class=posted>Posted by Kathy</p>"
        "<h2><a id=comments></a>3 Comments</h2>" /**/
        PARA("Reader one") PARA("Reader two")    /**/
        "<div class=commentbody>" PARA(
            "Reader three") "</div>"
                            "<h3>Leave a Reply</h3><p>Leave a comment</p></div></body></html>";
    const nw_clean_result *r;
    assert_int_equal(nw_cleaner_run(cl, page, strlen(page), NW_CT_HTML, NULL, &r), 0);
    assert_kept(r->text.data, "Article three, and then");
    assert_kept(r->text.data, "Offer the journalist a comment, and then");
    assert_dropped(r->text.data, "Reader");
    assert_dropped(r->text.data, "Leave a");
    assert_true(r->drops[NW_BP_COMMENTS].paragraphs >= 3); /* the heading and two comments */
    assert_string_equal(nw_bp_reason_name(NW_BP_COMMENTS), "comments");
}

/* a roundup's numbered list of linked titles with their dates, between article paragraphs of
 * the same box, is the article; a blogroll of bare links between them is not */
static void test_linked_list_in_the_article(void **state)
{
    (void)state;
    static const char page[] = "<html><body><div class=entry>" PARA(
        "For ease of reference") "<p>1. <a href=/a>Using Our Fears to Justify A Power Grab</a> "
                                 "(November 29th, 2001)</p>"
                                 "<p>2. <a href=/b>Who's Next?</a> (Hartford Courant, June 20th, "
                                 "2002)</p>" PARA(
                                     "More posts follow") "<p><a href=/c>Interview with "
                                                          "Cameradojo</a></p>"
                                                          "<p><a href=/d>Interview with Carlos "
                                                          "Miller</a></p>" PARA(
                                                              "The end") "</div></body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "1. Using Our Fears to Justify A Power Grab (November 29th, 2001)");
    assert_kept(text, "2. Who's Next? (Hartford Courant");
    assert_dropped(text, "Cameradojo");
}

/* the site talking about itself is not the article */
static void test_site_notices(void **state)
{
    (void)state;
    assert_int_equal(classify_line("This website uses cookies to improve your experience. We'll "
                                   "assume you're ok with this, but you can opt-out if you wish."),
                     NW_BP_SITE_NOTICE);
    assert_int_equal(classify_line("Necessary cookies are absolutely essential for the website to "
                                   "function properly. This category only includes cookies that "
                                   "ensures basic functionalities and security features."),
                     NW_BP_SITE_NOTICE);
    assert_int_equal(classify_line("ADVERTISEMENT"), NW_BP_SITE_NOTICE);
    assert_int_equal(classify_line("Anzeige:"), NW_BP_SITE_NOTICE);
    assert_int_equal(classify_line("This slideshow requires JavaScript."), NW_BP_SITE_NOTICE);
    assert_int_equal(classify_line("I do not have anyone to play with (41%, 1,680 Votes)"),
                     NW_BP_SITE_NOTICE);
    assert_int_equal(classify_line("Related links:"), NW_BP_RELATED);
    assert_int_equal(classify_line("Explore further"), NW_BP_RELATED);
    /* an article about advertising or cookies is an article */
    assert_int_equal(classify_line("Advertising revenue fell by a third in the quarter, the "
                                   "company said, as brands cut their budgets for online video."),
                     NW_BP_NONE);
    assert_int_equal(classify_line("The bakery sells cookies, bread and cakes from six in the "
                                   "morning, and the queue reaches the corner by seven."),
                     NW_BP_NONE);
    assert_string_equal(nw_bp_reason_name(NW_BP_SITE_NOTICE), "site_notice");
}

/* related-posts and like/share headings in the stoplists' languages, capitalised as sites
 * write them (lowercasing is ASCII only) */
static void test_widget_headings_in_other_languages(void **state)
{
    (void)state;
    static const char *const related[] = {
        "\xc3\x84hnliche Beitr\xc3\xa4ge",                          /* de */
        "\xd0\x9f\xd0\xbe\xd1\x85\xd0\xbe\xd0\xb6\xd0\xb8\xd0\xb5 " /* ru */
        "\xd0\xb7\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb8",
        "Articles similaires",
        "Relacionado",
        "Baca juga:",
        "Podobne wpisy",
        NULL};
    for (const char *const *r = related; *r; r++) {
        assert_int_equal(classify_line(*r), NW_BP_RELATED);
    }
    assert_int_equal(classify_line("Me gusta esto:"), NW_BP_SHARE);
    assert_int_equal(classify_line("Gef\xc3\xa4llt mir:"), NW_BP_SHARE);
    assert_int_equal(classify_line("Like this:"), NW_BP_SHARE);
}

/* six teasers in boxes of their own, apart from the article, hold more text than its three
 * paragraphs, but the article's box is the page's best: its run wins */
#define TEASER(n)                                                                                  \
    "<div class=teaser><p>Teaser " n " says that something else happened somewhere else today, "   \
    "and that readers can find out more about it on another page.</p></div>"
static void test_best_box_tips_the_run(void **state)
{
    (void)state;
    static const char page[] =
        "<html><body><div class=story>" PARA("Article one") PARA("Article two")
            PARA("Article three") "</div><h3><a href=/more>More from the site</a></h3><h3><a "
                                  "href=/top>Most read</a></h3>" TEASER("one") TEASER("two")
                                      TEASER("three") TEASER("four") TEASER("five")
                                          TEASER("six") "</body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "Article one, and then");
    assert_kept(text, "Article three, and then");
    assert_dropped(text, "Teaser");
}

/* a camelCase name is read by its first word: "relatedPosts" is related posts, "blogPost" a
 * post; a later hump is not ("CtxtMenu" around a formula is not a menu) */
static void test_camel_case_names(void **state)
{
    (void)state;
    static const char page[] = "<html><body><div class=blogPost>" PARA("Article one") PARA(
        "Article two") "<p>The formula <span class=CtxtMenu_Attached_0>E = mc2</span> is the best "
                       "known one, "
                       "and the article explains it in the rest of this long paragraph here.</p>"
                       "<div class=relatedPosts><p>Another story of the site, with a teaser that "
                       "is long "
                       "enough to be a sentence.</p></div></div></body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "The formula E = mc2 is the best known one");
    assert_dropped(text, "Another story of the site");
}

/* a post that quotes at length: the quotes' paragraphs count for the post's box, which is then
 * the page's best and holds two thirds of its text, so a reply after it in a box of its own
 * goes (with each quote a box, the first quote was best and the reply stayed) */
static void test_quotes_count_for_their_post(void **state)
{
    (void)state;
    static const char page[] =
        "<html><body><div class=entry><p>From National Journal, the governor on FEMA:</p>"
        "<blockquote>" PARA("Quote one") PARA(
            "Quote two") "</blockquote>" /**/
                         "<p>From CBS News last year, on the budget plan:</p>"
                         "<blockquote>" PARA("Quote three") "</blockquote></div>" /**/
                                                            "<div class=thread>" PARA(
                                                                "Reply one") "</div></body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "Quote one, and then");
    assert_kept(text, "Quote three, and then");
    assert_dropped(text, "Reply");
}

/* a section heading linked to its own anchor is the article's heading, not a headline of
 * another story that splits the run */
static void test_in_page_links_are_not_links_away(void **state)
{
    (void)state;
    static const char page[] =
        "<html><body><div class=section>" PARA("Part one") PARA("Part two")             /**/
        "<h2><a class=toc-backref href='#id2'>Sharing with a single developer</a></h2>" /**/
        PARA("Part three") "</div></body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "Part two, and then");
    assert_kept(text, "Sharing with a single developer");
    assert_kept(text, "Part three, and then");
}

/* a code block two boxes deeper than the paragraphs beside it is still inside the article's
 * box (a paragraph records five enclosing boxes) */
static void test_deep_code_block_in_the_article(void **state)
{
    (void)state;
    static const char page[] =
        "<html><body><div class=doc><div class=section>" PARA("Part one") PARA("Part two") /**/
        "<div class=section>" PARA("Part three")                                           /**/
        "<div class=highlight-python><div class=highlight><pre>$ hg clone public test-repo "
        "updating to branch default 0 files updated, 0 files merged, 0 files removed, 0 "
        "files unresolved</pre></div></div>" /**/
        PARA("Part four") "</div></div></div></body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "$ hg clone public test-repo updating");
    assert_kept(text, "Part four, and then");
}

/* what the page hides is not its article: inline display:none or visibility:hidden, the
 * hidden attribute, aria-hidden="true" */
#define HIDDEN_P "<p>Hidden text, long enough to be a paragraph of the article, with commas.</p>"
static void test_hidden_elements(void **state)
{
    (void)state;
    static const char page[] =
        "<html><body><div class=post>"
        "<p>The matrix <span style=\"display: none;\">A Hermitian a i j</span> is equal to its "
        "conjugate transpose, which the rest of this long sentence goes on to explain.</p>"
        "<div style='VISIBILITY:hidden'>" HIDDEN_P "</div><div hidden>" HIDDEN_P "</div>"
        "<div aria-hidden=true>" HIDDEN_P "</div>"
        "<p>Article two, and then the article goes on for a while, with commas, clauses, and "
        "enough words in a sentence that no rule of the cleaner would call it short.</p>"
        "</div></body></html>";
    const char *text = clean_html(page);
    assert_kept(text, "The matrix is equal to its conjugate transpose");
    assert_kept(text, "Article two, and then");
    assert_dropped(text, "Hermitian");
    assert_dropped(text, "Hidden");
}

/* every drop reason the cleaner reports is one config/schema/clean.schema.json allows (run
 * from the repository root) */
static void test_reasons_in_the_schema(void **state)
{
    (void)state;
    FILE *f = fopen("config/schema/clean.schema.json", "rb");
    assert_non_null(f);
    static char schema[1 << 16];
    size_t n = fread(schema, 1, sizeof schema - 1, f);
    fclose(f);
    schema[n] = '\0';
    for (int r = NW_BP_NONE + 1; r < NW_BP_COUNT; r++) {
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", nw_bp_reason_name((nw_bp_reason)r));
        if (!strstr(schema, quoted)) {
            fail_msg("reason %s is not in clean.schema.json", quoted);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appeal_words_need_the_reader),
        cmocka_unit_test(test_ruby_and_math_annotations_dropped),
        cmocka_unit_test(test_class_and_id_words),
        cmocka_unit_test(test_lead_joins_the_body),
        cmocka_unit_test(test_introduced_list_kept),
        cmocka_unit_test(test_poem_lines_kept),
        cmocka_unit_test(test_comments_kept_apart),
        cmocka_unit_test(test_linked_list_in_the_article),
        cmocka_unit_test(test_site_notices),
        cmocka_unit_test(test_widget_headings_in_other_languages),
        cmocka_unit_test(test_quotes_count_for_their_post),
        cmocka_unit_test(test_in_page_links_are_not_links_away),
        cmocka_unit_test(test_deep_code_block_in_the_article),
        cmocka_unit_test(test_hidden_elements),
        cmocka_unit_test(test_reasons_in_the_schema),
        cmocka_unit_test(test_best_box_tips_the_run),
        cmocka_unit_test(test_camel_case_names),
    };
    return cmocka_run_group_tests_name("clean_rules", tests, cleaner_setup, cleaner_teardown);
}
