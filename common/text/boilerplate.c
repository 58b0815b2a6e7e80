/* boilerplate.c - the rules behind nw_bp_classify(). Phrase lists are matched on an ASCII
 * lowercase copy of the paragraph; length limits keep a real paragraph that merely mentions
 * "subscribe" from being dropped. Order matters: specific reasons before the generic "short". */
#include "boilerplate.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

static const char *const reason_names[NW_BP_COUNT] = {"none",           "title",
                                                      "archive_notice", "appeal",
                                                      "click_here",     "slideshow",
                                                      "photo_credit",   "read_time",
                                                      "timestamp",      "related",
                                                      "share",          "css_classes",
                                                      "byline",         "link_dense",
                                                      "short",          "pruned_container",
                                                      "outside_main",   "not_in_article_body",
                                                      "repeated",       "comments",
                                                      "site_notice"};

const char *nw_bp_reason_name(nw_bp_reason r)
{
    return r < NW_BP_COUNT ? reason_names[r] : "unknown";
}

size_t nw_bp_word_count(const char *s, size_t n)
{
    size_t words = 0, cjk = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = s[i] == ' ';
        if (!sp && !in) {
            words++;
        }
        in = !sp;
        /* kana, CJK ideographs and Hangul (U+3040-U+D7FF: lead bytes E3-ED) are written
         * without spaces: two of them count as a word */
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xE3 && c <= 0xED && i + 2 < n) {
            cjk++;
            i += 2;
        }
    }
    return cjk ? words + cjk / 2 : words;
}

static int starts_any(const char *lower, const char *const *phrases)
{
    for (; *phrases; phrases++) {
        /* the first byte first: the lists are long (a phrase in each of 20 languages) and
         * most lines differ there */
        if (**phrases == *lower && strncmp(lower, *phrases, strlen(*phrases)) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Phrases searched anywhere in a paragraph, one list each. All are found in one pass over
 * the paragraph (phrase_scan), so adding a phrase costs almost nothing per paragraph. */
enum { L_ARCHIVE, L_APPEAL, L_APPEAL_WORD, L_NOTICE, L_CREDIT, L_CLICK, L_READ, L_TIME, L_COUNT };
static const struct phrase {
    const char *text;
    int list;
} phrases[] = {{"this article is from the archive", L_ARCHIVE},
               {"this story has been archived", L_ARCHIVE},
               {"originally published", L_ARCHIVE},
               {"dear reader", L_APPEAL},
               {"our journalism", L_APPEAL},
               {"loyal readers", L_APPEAL},
               {"subscribe", L_APPEAL_WORD},
               {"subscription", L_APPEAL_WORD},
               {"paywall", L_APPEAL_WORD},
               {"premium", L_APPEAL_WORD},
               {"ads-free", L_APPEAL},
               {"ad-free", L_APPEAL},
               {"donate", L_APPEAL_WORD},
               {"donation", L_APPEAL_WORD},
               {"support us", L_APPEAL},
               {"become a member", L_APPEAL},
               {"sign up for", L_APPEAL},
               {"newsletter", L_APPEAL_WORD},
               {"receive access", L_APPEAL},
               {"a month you will", L_APPEAL},
               {"help us grow", L_APPEAL},
               {"upgrade your experience", L_APPEAL},
               {"support our", L_APPEAL},
               {"free trial", L_APPEAL},
               {"already a subscriber", L_APPEAL},
               {"uses cookies", L_NOTICE},
               {"use cookies", L_NOTICE},
               {"cookie policy", L_NOTICE},
               {"privacy overview", L_NOTICE},
               {"for the website to function", L_NOTICE}, /* a consent banner's categories */
               {"requires javascript", L_NOTICE},
               {"enable javascript", L_NOTICE},
               {"javascript is disabled", L_NOTICE},
               {"something went wrong", L_NOTICE},
               {"votes)", L_NOTICE}, /* a poll's results: "Yes (41%, 1,680 Votes)" */
               {"total voters", L_NOTICE},
               {"(photo credit", L_CREDIT},
               {"photo credit:", L_CREDIT},
               {"reuters/", L_CREDIT},
               {"(ap photo", L_CREDIT},
               {"ap photo/", L_CREDIT},
               {"getty images", L_CREDIT},
               {"afp/getty", L_CREDIT},
               {"(photo by", L_CREDIT},
               {"photo: ", L_CREDIT},
               {"image credit", L_CREDIT},
               {"(afp photo", L_CREDIT},
               {"epa/", L_CREDIT},
               {"file photo", L_CREDIT},
               {"click here", L_CLICK},
               {"min read", L_READ},
               {"minute read", L_READ},
               {" am", L_TIME},
               {" pm", L_TIME},
               {"years ago", L_TIME},
               {"updated", L_TIME},
               {"gmt", L_TIME},
               {" et)", L_TIME}};
#define NPHRASES (sizeof phrases / sizeof phrases[0])

/* head[first two bytes] -> 1 + index of the first phrase starting so; next[] chains them */
static uint8_t head[65536];
static uint8_t next_phrase[NPHRASES];
static size_t phrase_len[NPHRASES];
static pthread_once_t phrase_once = PTHREAD_ONCE_INIT;

static void phrase_index(void)
{
    for (size_t i = NPHRASES; i-- > 0;) {
        const unsigned char *t = (const unsigned char *)phrases[i].text;
        unsigned key = t[0] | (unsigned)t[1] << 8;
        next_phrase[i] = head[key];
        head[key] = (uint8_t)(i + 1);
        phrase_len[i] = strlen(phrases[i].text);
    }
}

/* A call to action: with an appeal word, an appeal; without, article text ("Rhapsody's
 * subscription-based app ... what you've listened to"). Searched only when an appeal word is
 * there (rare), so these common words cost the phrase scan nothing. */
static const char *const reader_words[] = {" our ",
                                           " us ",
                                           " us.",
                                           " us!",
                                           "sign up",
                                           "join ",
                                           "subscribe to",
                                           "subscribe now",
                                           "subscribe today",
                                           "subscribe for",
                                           "free articles",
                                           "unlimited access",
                                           "you can help",
                                           NULL};

static int addresses_reader(const char *lower)
{
    if (strncmp(lower, "our ", 4) == 0) {
        return 1;
    }
    for (const char *const *w = reader_words; *w; w++) {
        if (strstr(lower, *w)) {
            return 1;
        }
    }
    return 0;
}

/* Returns a bit per list (1 << L_x) for every list with a phrase in 'lower'. */
static unsigned phrase_scan(const char *lower, size_t n)
{
    pthread_once(&phrase_once, phrase_index);
    unsigned found = 0;
    const unsigned char *s = (const unsigned char *)lower;
    for (size_t i = 0; i + 1 < n; i++) {
        for (unsigned p = head[s[i] | (unsigned)s[i + 1] << 8]; p; p = next_phrase[p - 1]) {
            const struct phrase *ph = &phrases[p - 1];
            if (i + phrase_len[p - 1] <= n && memcmp(s + i, ph->text, phrase_len[p - 1]) == 0) {
                found |= 1u << ph->list;
            }
        }
    }
    return found;
}
/* "Related" markers, in the languages of the stoplists that news sites use most */
static const char *const related_starts[] = {
    "related content", "related:", "related stories", "related articles", "read more", "see also",
    "more from", "recommended", "most popular", "you may also like", "you might also like",
    "voc\xc3\xaa pode gostar", "leia tamb\xc3\xa9m", "veja tamb\xc3\xa9m", "te puede interesar",
    "lee tambi\xc3\xa9n", "vous aimerez aussi", "\xc3\xa0 lire aussi", "lire aussi",
    "das k\xc3\xb6nnte sie auch interessieren", "mehr zum thema", "potrebbe interessarti",
    "leggi anche", "lees ook", "related links", "related posts", "top stories", "more stories",
    "explore further",
    /* WordPress's (Jetpack's) related-posts heading and the usual "read also" in the
     * stoplists' languages; lowercasing is ASCII only, so capitalised non-ASCII forms too */
    "relacionado", "relacionados", "articles similaires", "sur le m\xc3\xaame sujet",
    "\xc3\xa4hnliche beitr\xc3\xa4ge", "\xc3\x84hnliche beitr\xc3\xa4ge", "articoli correlati",
    "correlati", "gerelateerd", "gerelateerde artikelen",
    "\xd0\xbf\xd0\xbe\xd1\x85\xd0\xbe\xd0\xb6\xd0\xb8\xd0\xb5 "
    "\xd0\xb7\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb8",
    "\xd0\x9f\xd0\xbe\xd1\x85\xd0\xbe\xd0\xb6\xd0\xb8\xd0\xb5 "
    "\xd0\xb7\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb8",
    "\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xb9\xd1\x82\xd0\xb5 "
    "\xd1\x82\xd0\xb0\xd0\xba\xd0\xb6\xd0\xb5",
    "\xd0\xa7\xd0\xb8\xd1\x82\xd0\xb0\xd0\xb9\xd1\x82\xd0\xb5 "
    "\xd1\x82\xd0\xb0\xd0\xba\xd0\xb6\xd0\xb5",
    "podobne wpisy",
    "czytaj tak\xc5\xbc"
    "e",
    "souvisej\xc3\xad"
    "c\xc3\xad",
    "relaterade", "relaterte", "relaterede", "aiheeseen liittyv\xc3\xa4t",
    "kapcsol\xc3\xb3"
    "d\xc3\xb3",
    "hasonl\xc3\xb3 bejegyz\xc3\xa9sek", "ilgili yaz\xc4\xb1lar", "benzer yaz\xc4\xb1lar",
    "\xcf\x83\xcf\x87\xce\xb5\xcf\x84\xce\xb9\xce\xba\xce\xac "
    "\xce\xac\xcf\x81\xce\xb8\xcf\x81\xce\xb1",
    "\xce\xa3\xcf\x87\xce\xb5\xcf\x84\xce\xb9\xce\xba\xce\xac "
    "\xce\xac\xcf\x81\xce\xb8\xcf\x81\xce\xb1",
    "articole similare", "cite\xc8\x99te \xc8\x99i", "povezano", "pro\xc4\x8ditajte jo\xc5\xa1",
    "s\xc3\xbavisiace",
    "\xd1\x81\xd1\x85\xd0\xbe\xd0\xb6\xd1\x96 \xd0\xb7\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb8",
    "\xd0\xa1\xd1\x85\xd0\xbe\xd0\xb6\xd1\x96 \xd0\xb7\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb8",
    "\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xb9\xd1\x82\xd0\xb5 "
    "\xd1\x82\xd0\xb0\xd0\xba\xd0\xbe\xd0\xb6",
    "\xd0\xa7\xd0\xb8\xd1\x82\xd0\xb0\xd0\xb9\xd1\x82\xd0\xb5 "
    "\xd1\x82\xd0\xb0\xd0\xba\xd0\xbe\xd0\xb6",
    "artikel terkait", "baca juga", "b\xc3\xa0i vi\xe1\xba\xbft li\xc3\xaan quan",
    "B\xc3\xa0i vi\xe1\xba\xbft li\xc3\xaan quan", "relacionat", "articles relacionats",
    "lue my\xc3\xb6s", "l\xc3\xa4s ocks\xc3\xa5", "les ogs\xc3\xa5", "l\xc3\xa6s ogs\xc3\xa5",
    NULL};
/* lines that are only a label over an ad slot */
static const char *const ad_labels[] = {"advertisement",     "advert",     "advertising",
                                        "anzeige",           "publicidad", "publicit\xc3\xa9",
                                        "pubblicit\xc3\xa0", "sponsored",  NULL};
static const char *const share_starts[] = {
    "share this", "share on", "share:", "print", "email", "tweet", "follow us", "comments",
    /* a comment form's prompts */
    "leave a reply", "leave a comment", "no comments", "post a comment", "add a comment",
    "add new comment", "speak your mind", "join the discussion",
    /* Jetpack's like and share headings in the stoplists' languages */
    "like this:", "me gusta esto:",
    "j\xe2\x80\x99"
    "aime ceci :",
    "j'aime ceci :", "gef\xc3\xa4llt mir:", "mi piace:", "curtir isso:", "vind ik leuk:",
    "\xd0\xbd\xd1\x80\xd0\xb0\xd0\xb2\xd0\xb8\xd1\x82\xd1\x81\xd1\x8f:",
    "\xd0\x9d\xd1\x80\xd0\xb0\xd0\xb2\xd0\xb8\xd1\x82\xd1\x81\xd1\x8f:", "polub to:",
    "compartir esto:", "compartilhe isso:", "partager :", "teilen mit:", "condividi:", "delen:",
    "\xd0\xbf\xd0\xbe\xd0\xb4\xd0\xb5\xd0\xbb\xd0\xb8\xd1\x82\xd1\x8c\xd1\x81\xd1\x8f:",
    "\xd0\x9f\xd0\xbe\xd0\xb4\xd0\xb5\xd0\xbb\xd0\xb8\xd1\x82\xd1\x8c\xd1\x81\xd1\x8f:",
    "udost\xc4\x99pnij:", NULL};
static const char *const byline_starts[] = {
    "additional reporting by", "reporting by", "editing by", "writing by", "compiled by", NULL};
static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                     "aug", "sep", "oct", "nov", "dec", NULL};

/* "Advertisement", "ADVERT", "Anzeige:" alone on the line */
static int is_ad_label(const char *lower, size_t n)
{
    while (n && (lower[n - 1] == ':' || lower[n - 1] == ' ')) {
        n--;
    }
    for (const char *const *a = ad_labels; *a; a++) {
        if (strlen(*a) == n && memcmp(lower, *a, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int ends_sentence(const char *s, size_t n)
{
    if (!n) {
        return 0;
    }
    unsigned char c = (unsigned char)s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == '"' || c == '\'') {
        return 1;
    }
    if (n < 3) {
        return 0;
    }
    const unsigned char *e = (const unsigned char *)s + n - 3;
    /* closing curly quotes U+201D / U+2019; the ideographic full stop U+3002 and
     * closing corner bracket U+300D; full-width ! and ? (U+FF01, U+FF1F) */
    return (e[0] == 0xE2 && e[1] == 0x80 && (e[2] == 0x9D || e[2] == 0x99)) ||
           (e[0] == 0xE3 && e[1] == 0x80 && (e[2] == 0x82 || e[2] == 0x8D)) ||
           (e[0] == 0xEF && e[1] == 0xBC && (e[2] == 0x81 || e[2] == 0x9F));
}

/* One hyphenated lowercase token such as "medium-wide-browser": a CSS class name. The test
 * runs on the original text, so "Award-winning" (capitalised) is not one. */
static int is_css_class_name(const char *s, size_t n)
{
    int hyphen = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-' || c == '_') {
            hyphen = 1;
        } else if (!islower((unsigned char)c) && !isdigit((unsigned char)c)) {
            return 0;
        }
    }
    return hyphen && n >= 6;
}

static int looks_like_timestamp(const char *lower, size_t words, unsigned found)
{
    if (words > 12) {
        return 0;
    }
    int digit = 0;
    for (const char *p = lower; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            digit = 1;
            break;
        }
    }
    if (!digit) {
        return 0;
    }
    if ((found & 1u << L_TIME) || starts_any(lower, months)) {
        return 1;
    }
    /* "05/10/2018", "10.05.2018 14:32": digits joined by a date or time separator (a line
     * merely starting with a number is a list item or a table row) */
    for (const char *p = lower; p[0] && p[1] && p[2]; p++) {
        if (isdigit((unsigned char)p[0]) && strchr(":/.-", p[1]) && isdigit((unsigned char)p[2])) {
            return lower[0] >= '0' && lower[0] <= '9';
        }
    }
    return 0;
}

nw_bp_reason nw_bp_classify(const nw_bp_input *in, char *scratch)
{
    size_t n = in->len;
    for (size_t i = 0; i < n; i++) {
        scratch[i] = (char)tolower((unsigned char)in->text[i]);
    }
    scratch[n] = '\0';
    const char *lower = scratch;
    size_t words = nw_bp_word_count(in->text, n);
    int sentence = ends_sentence(in->text, n);
    unsigned found = phrase_scan(lower, n);

    if ((found & 1u << L_ARCHIVE) && words < 80) {
        return NW_BP_ARCHIVE_NOTICE;
    }
    if ((found & 1u << L_CLICK) && words < 40) {
        return NW_BP_CLICK_HERE;
    }
    if (strncmp(lower, "slideshow", 9) == 0 || strncmp(lower, "photo gallery", 13) == 0) {
        return NW_BP_SLIDESHOW;
    }
    if ((found & 1u << L_CREDIT) && words < 60) {
        return NW_BP_PHOTO_CREDIT;
    }
    if (words <= 10 && (found & 1u << L_READ)) {
        return NW_BP_READ_TIME;
    }
    /* "subscription", "premium", "donation" also occur in articles (a music service's
     * subscription plan, organ donation): alone they mark only a short line or one that
     * addresses the reader ("Subscribe to our newsletter", "Donate now: you can help") */
    if (((found & 1u << L_APPEAL) && words < 120) ||
        ((found & 1u << L_APPEAL_WORD) &&
         (words < 12 || (words < 60 && addresses_reader(lower))))) {
        return NW_BP_APPEAL;
    }
    if (((found & 1u << L_NOTICE) && words < 120) || (words <= 2 && is_ad_label(lower, n))) {
        return NW_BP_SITE_NOTICE;
    }
    if (words < 10 && starts_any(lower, related_starts)) {
        return NW_BP_RELATED;
    }
    if (words < 6 && starts_any(lower, share_starts)) {
        return NW_BP_SHARE;
    }
    if (starts_any(lower, byline_starts) && words < 25) {
        return NW_BP_BYLINE;
    }
    if (strncmp(lower, "by ", 3) == 0 && words <= 8 && !sentence) {
        return NW_BP_BYLINE;
    }
    if (is_css_class_name(in->text, n)) {
        return NW_BP_CSS_CLASSES;
    }
    /* mostly links and short, or (a tag cloud, a list of headlines) almost all links */
    if ((in->link_chars * 2 > n && words < 40) || in->link_chars * 5 > n * 4) {
        return NW_BP_LINK_DENSE;
    }
    if (!sentence && looks_like_timestamp(lower, words, found)) {
        return NW_BP_TIMESTAMP;
    }
    if (!sentence && words < 10 && !in->heading) {
        return NW_BP_SHORT;
    }
    return NW_BP_NONE;
}
