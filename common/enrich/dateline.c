/* dateline.c - a small hand-written scanner: an upper-case place at the very start, an
 * optional "(AGENCY)", then a dash of any kind. No regex engine, no allocation. */
#include "dateline.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

typedef struct agency_name {
    const char *tag;  /* inside the dateline parentheses */
    const char *name; /* what we report */
} agency_name;

static const agency_name agencies[] = {{"AP", "AP"},
                                       {"Reuters", "Reuters"},
                                       {"AFP", "AFP"},
                                       {"UPI", "UPI"},
                                       {"Bloomberg", "Bloomberg"},
                                       {"dpa", "dpa"},
                                       {"Xinhua", "Xinhua"},
                                       {"CNN", "CNN"},
                                       {NULL, NULL}};

/* Credits that name the wire when no dateline does, most specific first. */
static const agency_name credits[] = {{"(AP)", "AP"},           {"Associated Press", "AP"},
                                      {"(Reuters)", "Reuters"}, {"By Reuters", "Reuters"},
                                      {"(AFP)", "AFP"},         {"Agence France-Presse", "AFP"},
                                      {"(UPI)", "UPI"},         {NULL, NULL}};

static size_t dash_len(const char *s, size_t n)
{
    if (n >= 3 && (memcmp(s, "\xE2\x80\x94", 3) == 0 || memcmp(s, "\xE2\x80\x93", 3) == 0)) {
        return 3; /* em dash, en dash */
    }
    if (n >= 2 && s[0] == '-' && s[1] == '-') {
        return 2;
    }
    return n >= 1 && s[0] == '-' ? 1 : 0;
}

static const char *agency_tag(const char *s, size_t n)
{
    for (const agency_name *a = agencies; a->tag; a++) {
        if (strlen(a->tag) == n && strncasecmp(a->tag, s, n) == 0) {
            return a->name;
        }
    }
    return NULL;
}

/* The place: starts with an upper-case word of 2+ letters; at most NW_DATELINE_MAX bytes. */
static size_t place_len(const char *s, size_t n)
{
    size_t caps = 0;
    while (caps < n && (isupper((unsigned char)s[caps]) || s[caps] == '.' || s[caps] == '/')) {
        caps++;
    }
    if (caps < 2 || (caps < n && isalpha((unsigned char)s[caps]))) {
        return 0;
    }
    size_t i = caps;
    while (i < n && i < NW_DATELINE_MAX - 1 && s[i] != '(' && !dash_len(s + i, n - i) &&
           s[i] != '\n') {
        i++;
    }
    while (i > 0 && s[i - 1] == ' ') {
        i--;
    }
    return i < NW_DATELINE_MAX - 1 ? i : 0;
}

static int parse_dateline(const char *s, size_t n, nw_dateline *out)
{
    size_t p = place_len(s, n);
    if (!p) {
        return 0;
    }
    size_t i = p;
    while (i < n && s[i] == ' ') {
        i++;
    }
    const char *agency = NULL;
    if (i < n && s[i] == '(') {
        const char *close = memchr(s + i, ')', n - i < 24 ? n - i : 24);
        if (!close) {
            return 0;
        }
        agency = agency_tag(s + i + 1, (size_t)(close - s - i - 1));
        if (!agency) {
            return 0;
        }
        i = (size_t)(close - s) + 1;
        while (i < n && s[i] == ' ') {
            i++;
        }
    }
    if (!dash_len(s + i, n - i)) {
        return 0;
    }
    memcpy(out->place, s, p);
    out->place[p] = '\0';
    out->agency = agency;
    return 1;
}

void nw_dateline_parse(const char *text, size_t n, nw_dateline *out)
{
    out->place[0] = '\0';
    out->agency = NULL;
    parse_dateline(text, n, out);
    if (out->agency) {
        return;
    }
    for (const agency_name *c = credits; c->tag; c++) { /* (memmem: 7 scans of every text) */
        if (memmem(text, n, c->tag, strlen(c->tag))) {
            out->agency = c->name;
            return;
        }
    }
}

size_t nw_word_count(const char *s, size_t n)
{
    size_t words = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = isspace((unsigned char)s[i]);
        if (!sp && !in) {
            words++;
        }
        in = !sp;
    }
    return words;
}
