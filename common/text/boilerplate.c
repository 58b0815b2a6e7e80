/* boilerplate.c - the rules behind nw_bp_classify(). Phrase lists are matched on an ASCII
 * lowercase copy of the paragraph; length limits keep a real paragraph that merely mentions
 * "subscribe" from being dropped. Order matters: specific reasons before the generic "short". */
#include "boilerplate.h"

#include <ctype.h>
#include <string.h>

static const char *const reason_names[NW_BP_COUNT] = {
    "none",        "title",     "archive_notice", "appeal",  "click_here", "slideshow",
    "photo_credit", "read_time", "timestamp",     "related", "share",      "css_classes",
    "byline",      "link_dense", "short",         "pruned_container"};

const char *nw_bp_reason_name(nw_bp_reason r)
{
    return r < NW_BP_COUNT ? reason_names[r] : "unknown";
}

size_t nw_bp_word_count(const char *s, size_t n)
{
    size_t words = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = s[i] == ' ';
        if (!sp && !in) {
            words++;
        }
        in = !sp;
    }
    return words;
}

static int has_any(const char *lower, const char *const *phrases)
{
    for (; *phrases; phrases++) {
        if (strstr(lower, *phrases)) {
            return 1;
        }
    }
    return 0;
}

static int starts_any(const char *lower, const char *const *phrases)
{
    for (; *phrases; phrases++) {
        if (strncmp(lower, *phrases, strlen(*phrases)) == 0) {
            return 1;
        }
    }
    return 0;
}

static const char *const archive_phrases[] = {"this article is from the archive",
                                              "this story has been archived",
                                              "originally published", NULL};
static const char *const appeal_phrases[] = {
    "dear reader",       "our journalism",     "loyal readers",   "subscribe",
    "subscription",      "paywall",            "premium",         "ads-free",
    "ad-free",           "donate",             "donation",        "support us",
    "become a member",   "sign up for",        "newsletter",      "receive access",
    "a month you will",  "help us grow",       "upgrade your experience", "support our",
    "free trial",        "already a subscriber", NULL};
static const char *const credit_phrases[] = {
    "(photo credit", "photo credit:", "reuters/", "(ap photo", "ap photo/", "getty images",
    "afp/getty", "(photo by", "photo: ", "image credit", "(afp photo", "epa/", "file photo",
    NULL};
static const char *const related_starts[] = {"related content", "related:", "related stories",
                                             "related articles", "read more", "see also",
                                             "more from", "recommended", "most popular", NULL};
static const char *const share_starts[] = {"share this", "share on", "share:", "print",
                                           "email", "tweet", "follow us", "comments", NULL};
static const char *const byline_starts[] = {"additional reporting by", "reporting by",
                                            "editing by", "writing by", "compiled by", NULL};
static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                     "aug", "sep", "oct", "nov", "dec", NULL};

static int ends_sentence(const char *s, size_t n)
{
    if (!n) {
        return 0;
    }
    unsigned char c = (unsigned char)s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == '"' || c == '\'') {
        return 1;
    }
    /* closing curly quotes U+201D / U+2019 */
    return n >= 3 && ((unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
                      ((unsigned char)s[n - 1] == 0x9D || (unsigned char)s[n - 1] == 0x99));
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

static int looks_like_timestamp(const char *lower, size_t words)
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
    return strstr(lower, " am") || strstr(lower, " pm") || strstr(lower, "years ago") ||
           strstr(lower, "updated") || starts_any(lower, months) || strstr(lower, "gmt") ||
           strstr(lower, " et)") || (lower[0] >= '0' && lower[0] <= '9');
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

    if (has_any(lower, archive_phrases) && words < 80) {
        return NW_BP_ARCHIVE_NOTICE;
    }
    if (strstr(lower, "click here") && words < 40) {
        return NW_BP_CLICK_HERE;
    }
    if (strncmp(lower, "slideshow", 9) == 0 || strncmp(lower, "photo gallery", 13) == 0) {
        return NW_BP_SLIDESHOW;
    }
    if (has_any(lower, credit_phrases) && words < 60) {
        return NW_BP_PHOTO_CREDIT;
    }
    if (words <= 10 && (strstr(lower, "min read") || strstr(lower, "minute read"))) {
        return NW_BP_READ_TIME;
    }
    if (has_any(lower, appeal_phrases) && words < 120) {
        return NW_BP_APPEAL;
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
    if (in->link_chars * 2 > n && words < 40) {
        return NW_BP_LINK_DENSE;
    }
    if (!sentence && looks_like_timestamp(lower, words)) {
        return NW_BP_TIMESTAMP;
    }
    if (!sentence && words < 10 && !in->heading) {
        return NW_BP_SHORT;
    }
    return NW_BP_NONE;
}
