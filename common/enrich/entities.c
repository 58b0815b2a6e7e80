/* entities.c - the rules of entities.h: tokens with their capitalisation and the punctuation
 * after them, capitalised runs ("spans"), a classification per span, then alias merging. */
#include "entities.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "../core/buf.h"
#include "../core/nw_error.h"
#include "entity_words.h"

#define WORK_MAX 256     /* entities considered per text before the top NW_ENT_MAX are kept */
#define LOWER_MAX 48     /* bytes of a lower-cased word for list lookups */
#define PERSON_WORDS 4   /* a person's name is at most this many words */
#define CLASS_CACHE 8192 /* remembered word classes, direct-mapped by hash */

/* what a word is, from the word lists: found once per token, when first asked */
enum {
    W_KNOWN = 1 << 0, /* the bits below are set */
    W_FUNCTION = 1 << 1,
    W_CALENDAR = 1 << 2,
    W_STRONG_TITLE = 1 << 3,
    W_WEAK_TITLE = 1 << 4,
    W_ROLE = 1 << 5,
    W_SPEECH = 1 << 6,
    W_ORG_HEAD = 1 << 7,
    W_CONNECTOR = 1 << 8,
    W_OF = 1 << 9, /* "of" or "for" */
    W_BY = 1 << 10,
    W_CREDIT = 1 << 11,    /* "reporting", "photo", ... before "by" */
    W_GAZ_FIRST = 1 << 12, /* a gazetteer name may start with it */
};

typedef struct tok {
    uint32_t off, len; /* the word, without a possessive 's */
    uint16_t words;    /* W_* bits */
    uint8_t cap;       /* starts upper case, or a particle name such as al-Maliki */
    uint8_t allcaps;   /* two or more letters, all upper case */
    uint8_t punct;     /* punctuation or a line break follows */
    uint8_t brk;       /* a name cannot run on into the next word (punct or possessive) */
    char gap;          /* the first punctuation after it: ',' '(' ')' '.' '"' '-', else ' ' */
} tok;

struct nw_entity_extractor {
    const nw_gazetteer *gaz;
    tok *t;
    size_t nt, cap;
    const char *text;
    nw_entity work[WORK_MAX];
    size_t nwork;
    uint32_t *pending; /* single capitalised words left unclassified: maybe a known alias */
    size_t npending;
    char acronyms[WORK_MAX][16]; /* an organisation's "(ABC)", by work index */
    struct {
        uint64_t h; /* 0 = empty */
        uint16_t classes;
    } cache[CLASS_CACHE]; /* word lists looked up once per word, not once per mention */
};

nw_entity_extractor *nw_entity_extractor_new(const nw_gazetteer *g)
{
    nw_entity_extractor *x = calloc(1, sizeof *x);
    if (x) {
        x->gaz = g;
    }
    return x;
}

void nw_entity_extractor_free(nw_entity_extractor *x)
{
    if (x) {
        free(x->t);
        free(x->pending);
        free(x);
    }
}

const char *nw_entity_kind_name(nw_entity_kind k)
{
    return k == NW_ENT_PERSON ? "person" : k == NW_ENT_PLACE ? "place" : "organization";
}

/* ---- tokens ---- */

static int decode(const char *s, size_t n, size_t i, int *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
    if (k <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return (int)k;
}

static int is_letter_cp(int cp)
{
    if (cp < 0) {
        return 0;
    }
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int word_char(const char *s, size_t n, size_t i, int *step)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *step = 1;
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    int cp;
    *step = decode(s, n, i, &cp);
    return is_letter_cp(cp) || (cp >= 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_MN);
}

static int upper_at(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        return c >= 'A' && c <= 'Z';
    }
    int cp;
    decode(s, n, i, &cp);
    return cp >= 0 && (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU ||
                       utf8proc_category(cp) == UTF8PROC_CATEGORY_LT);
}

static void lower(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < LOWER_MAX - 1; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[k] = '\0';
}

static void tok_lower(const nw_entity_extractor *x, const tok *t, char *out)
{
    lower(x->text + t->off, t->len, out);
}

static unsigned classes_of(const nw_gazetteer *g, const char *w)
{
    static const char *const credit[] = {"edited",    "photo",   "photos",
                                         "reporting", "writing", "written"};
    unsigned c = W_KNOWN;
    const char *hyphen = strrchr(w, '-'); /* "Vice-President" is a title */
    c |= NW_IN(function_words, w) ? W_FUNCTION : 0;
    c |= NW_IN(calendar_words, w) ? W_CALENDAR : 0;
    c |= NW_IN(strong_titles, w) || (hyphen && NW_IN(strong_titles, hyphen + 1)) ? W_STRONG_TITLE
                                                                                 : 0;
    c |= NW_IN(weak_titles, w) || (hyphen && NW_IN(weak_titles, hyphen + 1)) ? W_WEAK_TITLE : 0;
    c |= NW_IN(role_words, w) ? W_ROLE : 0;
    c |= NW_IN(speech_verbs, w) ? W_SPEECH : 0;
    c |= NW_IN(org_heads, w) ? W_ORG_HEAD : 0;
    c |= NW_IN(connectors, w) ? W_CONNECTOR : 0;
    c |= strcmp(w, "of") == 0 || strcmp(w, "for") == 0 ? W_OF : 0;
    c |= strcmp(w, "by") == 0 ? W_BY : 0;
    for (size_t i = 0; i < sizeof credit / sizeof credit[0]; i++) {
        c |= strcmp(w, credit[i]) == 0 ? W_CREDIT : 0;
    }
    c |= nw_gazetteer_starts_name(g, w, strlen(w)) ? W_GAZ_FIRST : 0;
    return c;
}

/* 1 when token i has every bit of 'want' */
static int is(const nw_entity_extractor *x, size_t i, unsigned want)
{
    tok *t = &x->t[i];
    if (!(t->words & W_KNOWN)) {
        char w[LOWER_MAX];
        tok_lower(x, t, w);
        size_t n = strlen(w);
        uint64_t h = XXH3_64bits(w, n) | 1;
        nw_entity_extractor *mx = (nw_entity_extractor *)x; /* the cache is not the result */
        size_t k = (size_t)h & (CLASS_CACHE - 1);
        if (mx->cache[k].h != h) {
            mx->cache[k].h = h;
            mx->cache[k].classes = (uint16_t)classes_of(x->gaz, w);
        }
        t->words = mx->cache[k].classes;
    }
    return (t->words & want) == want;
}

/* "al-Maliki", "el-Sisi": a lower-case particle, a hyphen, then the name; returns the
 * particle's length with its hyphen, else 0 */
static size_t particle_len(const char *s, size_t n)
{
    static const char *const particles[] = {"al-", "el-", "ad-", "as-", "ash-", "an-", "at-", NULL};
    if (n < 4 || (s[2] != '-' && s[3] != '-')) {
        return 0;
    }
    for (size_t k = 0; particles[k]; k++) {
        size_t pl = strlen(particles[k]);
        if (n > pl && strncasecmp(s, particles[k], pl) == 0) {
            return pl;
        }
    }
    return 0;
}

/* "U.S.", "U.N.", "George W. Bush": the period after a capital initial */
static int abbreviation_dot(const char *s, size_t n, size_t start, size_t i)
{
    return (i - start == 1 || s[i - 2] == '.') && upper_at(s, n, i - 1);
}

static size_t scan_word(const char *s, size_t n, size_t i)
{
    size_t start = i;
    int step;
    while (i < n) {
        if (word_char(s, n, i, &step)) {
            i += (size_t)step;
        } else if ((s[i] == '-' || s[i] == '\'') && i > start && i + 1 < n &&
                   word_char(s, n, i + 1, &step)) {
            i++;
        } else if (i + 3 < n && memcmp(s + i, "\xE2\x80\x99", 3) == 0 && i > start &&
                   word_char(s, n, i + 3, &step)) {
            i += 3; /* ’ inside a word */
        } else if (s[i] == '.' && i > start && abbreviation_dot(s, n, start, i)) {
            i++;
        } else {
            break;
        }
    }
    return i;
}

/* The punctuation class of the gap s[i..end): first mark of note, and whether it breaks. */
static void scan_gap(const char *s, size_t i, size_t end, tok *t, int after_title_abbrev)
{
    int newlines = 0;
    for (; i < end; i++) {
        unsigned char c = (unsigned char)s[i];
        char mark = 0;
        if (c == '\n') { /* one line break is wrapping; a blank line ends a paragraph */
            mark = ++newlines >= 2 ? '\n' : 0;
        } else if (strchr(",;:!?()[]\"/", c)) {
            mark = (char)c;
        } else if (c == '.') {
            if (after_title_abbrev) { /* "Mr." does not end anything */
                after_title_abbrev = 0;
                continue;
            }
            mark = '.';
        } else if (c == '-' || c == 0xE2) { /* a spaced hyphen, a dash or curly quotes */
            mark = c == '-' ? '-' : '"';
            if (c == 0xE2 && i + 2 < end && s[i + 1] == '\x80' &&
                ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
                mark = '-';
            }
        }
        if (mark) {
            t->punct = t->brk = 1;
            if (t->gap == ' ') {
                t->gap = mark;
            }
        }
    }
}

/* "Mr.", "Sen.", "Corp.": s[n] is the period */
static int title_abbrev(const char *s, size_t n)
{
    static const char *const abbrevs[] = {"Mr", "Mrs", "Ms",   "Dr",  "Gen",  "Sen", "Rep",  "Gov",
                                          "Lt", "Col", "Capt", "Sgt", "Adm",  "Rev", "Prof", "Maj",
                                          "St", "Jr",  "Sr",   "Co",  "Corp", "Inc", "Ltd",  NULL};
    if (n < 2 || n > 4 || s[n] != '.' || s[0] < 'A' || s[0] > 'Z') {
        return 0;
    }
    for (size_t k = 0; abbrevs[k]; k++) {
        if (strnlen(abbrevs[k], 5) == n && memcmp(abbrevs[k], s, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int tokenize(nw_entity_extractor *x, const char *s, size_t n)
{
    x->nt = 0;
    x->text = s;
    size_t i = 0;
    int step;
    while (i < n) {
        if (!word_char(s, n, i, &step)) {
            i += (size_t)step;
            continue;
        }
        size_t start = i;
        i = scan_word(s, n, i);
        if (nw_array_reserve((void **)&x->t, &x->cap, x->nt + 1, sizeof *x->t) != NW_OK) {
            return NW_E_NOMEM;
        }
        tok *t = &x->t[x->nt++];
        memset(t, 0, sizeof *t);
        t->off = (uint32_t)start;
        t->len = (uint32_t)(i - start);
        t->gap = ' ';
        if (t->len > 2 && s[i - 2] == '\'' && s[i - 1] == 's') {
            t->len -= 2;
            t->brk = 1;
        } else if (t->len > 4 && memcmp(s + i - 4, "\xE2\x80\x99s", 4) == 0) {
            t->len -= 4;
            t->brk = 1;
        }
        size_t pl = particle_len(s + start, t->len);
        t->cap = (uint8_t)(upper_at(s, n, start) || (pl && upper_at(s, n, start + pl)));
        size_t letters = 0, uppers = 0;
        for (size_t k = start; k < start + t->len; k++) {
            letters += (s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z');
            uppers += s[k] >= 'A' && s[k] <= 'Z';
        }
        t->allcaps = (uint8_t)(letters >= 2 && uppers == letters);
        size_t next = i;
        while (next < n && !word_char(s, n, next, &step)) {
            next += (size_t)step;
        }
        scan_gap(s, i, next, t, start + t->len < n && title_abbrev(s + start, t->len));
        i = next;
    }
    return NW_OK;
}

/* ---- spans and mentions ---- */

static size_t join(const nw_entity_extractor *x, size_t a, size_t b, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = a; i < b; i++) {
        const tok *t = &x->t[i];
        if (k + t->len + 2 > cap) {
            break;
        }
        if (i > a) {
            out[k++] = ' ';
        }
        memcpy(out + k, x->text + t->off, t->len);
        k += t->len;
    }
    out[k] = '\0';
    return k;
}

/* a person's merge key: the surname, lower case, without a particle ("al-Maliki" -> "maliki") */
static void person_key(const nw_entity_extractor *x, const tok *last, char *key)
{
    const char *s = x->text + last->off;
    size_t n = last->len, pl = particle_len(s, n);
    lower(s + pl, n - pl, key);
}

static int has_alias(const nw_entity *e, const char *name)
{
    if (strcmp(e->name, name) == 0) {
        return 1;
    }
    for (size_t i = 0; i < e->naliases; i++) {
        if (strcmp(e->aliases[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

static void add_alias(nw_entity *e, const char *name)
{
    if (!has_alias(e, name) && e->naliases < NW_ENT_ALIASES) {
        snprintf(e->aliases[e->naliases++], NW_ENT_NAME, "%s", name);
    }
}

static size_t words(const char *s)
{
    size_t w = 1;
    for (; *s; s++) {
        w += *s == ' ';
    }
    return w;
}

/* Counts a mention; returns its work index or -1 when the work table is full. */
static int mention(nw_entity_extractor *x, nw_entity_kind kind, const char *name, const char *key,
                   const char *surface)
{
    for (size_t i = 0; i < x->nwork; i++) {
        nw_entity *e = &x->work[i];
        if (e->kind != kind || strcmp(e->key, key) != 0) {
            continue;
        }
        e->count++;
        if (kind == NW_ENT_PERSON && words(name) > words(e->name)) {
            char old[NW_ENT_NAME]; /* the fullest form names the person */
            snprintf(old, sizeof old, "%s", e->name);
            snprintf(e->name, sizeof e->name, "%s", name);
            add_alias(e, old);
        } else {
            add_alias(e, name);
        }
        if (surface) {
            add_alias(e, surface);
        }
        return (int)i;
    }
    if (x->nwork == WORK_MAX) {
        return -1;
    }
    nw_entity *e = &x->work[x->nwork];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->count = 1;
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->key, sizeof e->key, "%s", key);
    x->acronyms[x->nwork][0] = '\0';
    if (surface && strcmp(surface, name) != 0) {
        add_alias(e, surface);
    }
    return (int)x->nwork++;
}

static void person(nw_entity_extractor *x, size_t a, size_t b)
{
    char name[NW_ENT_NAME], key[LOWER_MAX];
    join(x, a, b, name, sizeof name);
    person_key(x, &x->t[b - 1], key);
    mention(x, NW_ENT_PERSON, name, key, NULL);
}

static int listed(nw_entity_extractor *x, size_t a, size_t b)
{
    char name[NW_ENT_NAME], key[NW_ENT_NAME];
    nw_gaz_hit hit;
    if (!is(x, a, W_GAZ_FIRST)) {
        return 0;
    }
    size_t len = join(x, a, b, name, sizeof name);
    if (!nw_gazetteer_find(x->gaz, name, len, &hit)) {
        return 0;
    }
    lower(hit.canonical, strlen(hit.canonical), key);
    /* an all-caps place in a dateline ("TEHRAN") is the same name, not an alias */
    mention(x, hit.kind, hit.canonical, key, strcasecmp(name, hit.canonical) ? name : NULL);
    return 1;
}

static void organisation(nw_entity_extractor *x, size_t a, size_t b)
{
    char name[NW_ENT_NAME], key[NW_ENT_NAME];
    join(x, a, b, name, sizeof name);
    lower(name, strlen(name), key);
    int w = mention(x, NW_ENT_ORG, name, key, NULL);
    /* "International Atomic Energy Agency (IAEA)": the acronym names it later */
    const tok *last = &x->t[b - 1];
    if (w >= 0 && last->gap == '(' && b < x->nt && x->t[b].allcaps && x->t[b].gap == ')' &&
        x->t[b].len < sizeof x->acronyms[0]) {
        memcpy(x->acronyms[w], x->text + x->t[b].off, x->t[b].len);
        x->acronyms[w][x->t[b].len] = '\0';
    }
}

/* 2: a strong title ("President", "Vice-President"), 1: a weak one ("Prime"), else 0 */
static int title_at(const nw_entity_extractor *x, size_t i)
{
    return is(x, i, W_STRONG_TITLE) ? 2 : is(x, i, W_WEAK_TITLE);
}

/* a lower-case word of a class: "spokesman", "said" (not "Said", a name) */
static int lower_word_is(const nw_entity_extractor *x, size_t i, unsigned cls)
{
    return !x->t[i].cap && is(x, i, cls);
}

/* "Ali Larijani, Iran's top nuclear negotiator", "Thomas O'Donnell, Director of ...": a role
 * or a title within six words after the comma */
static int appositive_role(const nw_entity_extractor *x, size_t b)
{
    if (x->t[b - 1].gap != ',') {
        return 0;
    }
    for (size_t k = b; k < x->nt && k < b + 6; k++) {
        if (lower_word_is(x, k, W_ROLE) || (x->t[k].cap && title_at(x, k) == 2)) {
            return 1;
        }
        if (x->t[k].punct) {
            break;
        }
    }
    return 0;
}

static void pend(nw_entity_extractor *x, size_t i)
{
    if (x->npending < x->nt) {
        x->pending[x->npending++] = (uint32_t)i;
    }
}

/* Known names inside a span ("Iran Says U.S. Departure Would Calm Iraq"): longest first. */
static int listed_within(nw_entity_extractor *x, size_t a, size_t b)
{
    int found = 0;
    for (size_t j = a; j < b;) {
        size_t len = b - j < NW_GAZ_MAX_WORDS ? b - j : NW_GAZ_MAX_WORDS;
        while (len > 0 && !listed(x, j, j + len)) {
            len--;
        }
        found |= len > 0;
        j += len ? len : 1;
    }
    return found;
}

/* "Ministry", "Bank of Japan", "Association of Tin Producing Countries" */
static int organisation_span(const nw_entity_extractor *x, size_t a, size_t b)
{
    if (b - a >= 2 && is(x, b - 1, W_ORG_HEAD)) {
        return 1;
    }
    for (size_t i = a; i + 2 < b; i++) {
        if (is(x, i, W_ORG_HEAD) && is(x, i + 1, W_OF)) {
            return 1;
        }
    }
    return 0;
}

/* a single word that cannot be a name by itself: a title, a role, an organisation word */
static int nameless(const nw_entity_extractor *x, size_t a, size_t b)
{
    return b - a == 1 && (title_at(x, a) || is(x, a, W_ORG_HEAD) || is(x, a, W_ROLE));
}

/* a role just before: "spokesman Ali al-Dabbagh", "his wife, Nancy", "chief of staff, X" */
static int role_before(const nw_entity_extractor *x, size_t a)
{
    if (a == 0) {
        return 0;
    }
    const tok *prev = &x->t[a - 1];
    return (prev->gap == ' ' || prev->gap == ',') && !(prev->brk && prev->gap == ' ') &&
           lower_word_is(x, a - 1, W_ROLE);
}

/* "Additional reporting by Khaled Yacoub Oweis" */
static int credited(const nw_entity_extractor *x, size_t a)
{
    return a >= 2 && !x->t[a - 2].brk && !x->t[a - 1].brk && is(x, a - 1, W_BY) &&
           is(x, a - 2, W_CREDIT);
}

static void classify(nw_entity_extractor *x, size_t a, size_t b)
{
    if (organisation_span(x, a, b)) {
        organisation(x, a, b);
        return;
    }
    if (listed(x, a, b)) {
        return;
    }
    /* a title inside: "Russian President Vladimir Putin", "Arizona Sen. John McCain" */
    for (size_t t = a; t < b; t++) {
        if (title_at(x, t) != 2) {
            continue;
        }
        size_t first = t, after = t + 1;
        while (first > a && title_at(x, first - 1)) {
            first--;
        }
        while (after < b && title_at(x, after)) {
            after++;
        }
        if (first > a) {
            classify(x, a, first);
        }
        if (after < b && b - after <= PERSON_WORDS && !nameless(x, after, b)) {
            person(x, after, b);
        }
        return;
    }
    while (a < b && title_at(x, a)) { /* weak titles alone: "Supreme Iranian" */
        a++;
    }
    if (a == b) {
        return;
    }
    if (role_before(x, a) && b - a <= PERSON_WORDS && !nameless(x, a, b) &&
        !listed_within(x, a, b)) {
        person(x, a, b);
        return;
    }
    /* a known name first: "Iraq Hassan Kazemi-Qomi" */
    for (size_t len = b - a - 1 < NW_GAZ_MAX_WORDS ? b - a - 1 : NW_GAZ_MAX_WORDS; len > 0; len--) {
        if (listed(x, a, a + len)) {
            classify(x, a + len, b);
            return;
        }
    }
    if (listed_within(x, a, b)) {
        return;
    }
    int says = b < x->nt && !x->t[b - 1].brk && lower_word_is(x, b, W_SPEECH);
    if (b - a <= PERSON_WORDS && !nameless(x, a, b) &&
        (says || appositive_role(x, b) || credited(x, a))) {
        person(x, a, b);
    } else if (b - a == 1) {
        pend(x, a);
    }
}

static int connector_at(const nw_entity_extractor *x, size_t i)
{
    /* particles ("bin", "van"); "Bank of Japan", "Ministry of Foreign Affairs" */
    return is(x, i, W_CONNECTOR) || (is(x, i, W_OF) && is(x, i - 1, W_ORG_HEAD));
}

static int skippable_start(const nw_entity_extractor *x, size_t i)
{
    return (!x->t[i].allcaps && is(x, i, W_FUNCTION)) || is(x, i, W_CALENDAR);
}

static void find_spans(nw_entity_extractor *x)
{
    for (size_t t = 0; t < x->nt;) {
        if (!x->t[t].cap) {
            t++;
            continue;
        }
        size_t a = t, b = t + 1;
        while (b < x->nt && !x->t[b - 1].brk) {
            if (x->t[b].cap) {
                b++;
            } else if (b + 1 < x->nt && !x->t[b].brk && x->t[b + 1].cap && connector_at(x, b)) {
                b += 2;
            } else {
                break;
            }
        }
        t = b;
        while (a < b && skippable_start(x, a)) {
            a++;
        }
        while (b > a && is(x, b - 1, W_CALENDAR)) {
            b--;
        }
        if (a < b) {
            classify(x, a, b);
        }
    }
}

/* ---- merging and output ---- */

/* A single word left over: a known person's surname, or an organisation's acronym. */
static void resolve_pending(nw_entity_extractor *x)
{
    for (size_t p = 0; p < x->npending; p++) {
        const tok *t = &x->t[x->pending[p]];
        char key[LOWER_MAX], surface[NW_ENT_NAME];
        person_key(x, t, key);
        join(x, x->pending[p], x->pending[p] + 1, surface, sizeof surface);
        for (size_t i = 0; i < x->nwork; i++) {
            nw_entity *e = &x->work[i];
            if ((e->kind == NW_ENT_PERSON && strcmp(e->key, key) == 0) ||
                (e->kind == NW_ENT_ORG && strcmp(x->acronyms[i], surface) == 0)) {
                e->count++;
                add_alias(e, surface);
                break;
            }
        }
    }
}

/* 1 when s ends with the words of suffix ("Iraqi Oil Ministry" ends with "Oil Ministry") */
static int word_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return k < n && s[n - k - 1] == ' ' && strcmp(s + n - k, suffix) == 0;
}

static void merge_organisations(nw_entity_extractor *x)
{
    for (size_t i = 0; i < x->nwork; i++) {
        nw_entity *shorter = &x->work[i];
        if (shorter->kind != NW_ENT_ORG || shorter->count == 0) {
            continue;
        }
        for (size_t j = 0; j < x->nwork; j++) {
            nw_entity *longer = &x->work[j];
            if (j != i && longer->kind == NW_ENT_ORG && longer->count &&
                word_suffix(longer->name, shorter->name)) {
                longer->count += shorter->count;
                add_alias(longer, shorter->name);
                shorter->count = 0;
                break;
            }
        }
    }
}

static int by_count(const void *pa, const void *pb)
{
    const nw_entity *a = pa, *b = pb;
    if (a->count != b->count) {
        return a->count < b->count ? 1 : -1;
    }
    return strcmp(a->name, b->name);
}

static int by_kind(const void *pa, const void *pb)
{
    const nw_entity *a = pa, *b = pb;
    if (a->kind != b->kind) {
        return a->kind < b->kind ? -1 : 1;
    }
    return by_count(pa, pb);
}

int nw_entities_extract(nw_entity_extractor *x, const char *text, size_t n, nw_entities *out)
{
    out->n = 0;
    x->nwork = 0;
    x->npending = 0;
    if (tokenize(x, text, n) != NW_OK) {
        return NW_E_NOMEM;
    }
    uint32_t *p = realloc(x->pending, (x->nt + 1) * sizeof *p);
    if (!p) {
        return NW_E_NOMEM;
    }
    x->pending = p;
    find_spans(x);
    resolve_pending(x);
    merge_organisations(x);
    qsort(x->work, x->nwork, sizeof x->work[0], by_count);
    for (size_t i = 0; i < x->nwork && out->n < NW_ENT_MAX && x->work[i].count; i++) {
        out->e[out->n++] = x->work[i];
    }
    qsort(out->e, out->n, sizeof out->e[0], by_kind);
    return NW_OK;
}
