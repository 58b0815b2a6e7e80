/* entity_words.c - the English word lists behind entity extraction, sorted for bsearch (the
 * unit tests check the order). */
#include "entity_words.h"

#include <stdlib.h>
#include <string.h>

const char *const nw_function_words[] = {
    "a",        "about",   "above",   "according", "after",   "against",   "all",     "also",
    "although", "among",   "an",      "and",       "another", "any",       "are",     "as",
    "at",       "be",      "because", "been",      "before",  "being",     "between", "both",
    "but",      "by",      "can",     "could",     "did",     "do",        "does",    "during",
    "each",     "either",  "even",    "every",     "few",     "for",       "from",    "had",
    "has",      "have",    "he",      "her",       "here",    "hers",      "him",     "his",
    "how",      "however", "i",       "if",        "in",      "into",      "is",      "it",
    "its",      "just",    "last",    "many",      "may",     "meanwhile", "more",    "most",
    "much",     "must",    "my",      "neither",   "no",      "nor",       "not",     "now",
    "of",       "on",      "once",    "one",       "only",    "or",        "other",   "our",
    "over",     "same",    "several", "she",       "should",  "since",     "so",      "some",
    "still",    "such",    "than",    "that",      "the",     "their",     "them",    "then",
    "there",    "these",   "they",    "this",      "those",   "though",    "through", "thus",
    "to",       "too",     "under",   "until",     "up",      "upon",      "us",      "very",
    "was",      "we",      "were",    "what",      "when",    "where",     "whether", "which",
    "while",    "who",     "whom",    "whose",     "why",     "will",      "with",    "within",
    "without",  "would",   "yet",     "you",       "your"};
const size_t nw_function_words_n = 133;

const char *const nw_calendar_words[] = {
    "apr",      "april",   "aug",      "august",  "dec",       "december",  "feb",
    "february", "friday",  "jan",      "january", "jul",       "july",      "jun",
    "june",     "mar",     "march",    "may",     "monday",    "nov",       "november",
    "oct",      "october", "saturday", "sep",     "sept",      "september", "sunday",
    "thursday", "today",   "tomorrow", "tuesday", "wednesday", "yesterday"};
const size_t nw_calendar_words_n = 34;

const char *const nw_strong_titles[] = {"adm",        "admiral",    "ambassador",
                                        "archbishop", "ayatollah",  "bishop",
                                        "capt",       "captain",    "cardinal",
                                        "chairman",   "chairwoman", "chancellor",
                                        "col",        "colonel",    "commissioner",
                                        "counsel",    "director",   "dr",
                                        "emir",       "gen",        "general",
                                        "gov",        "governor",   "hojatoleslam",
                                        "imam",       "judge",      "justice",
                                        "king",       "lady",       "lord",
                                        "lt",         "maj",        "major",
                                        "mayor",      "minister",   "miss",
                                        "mr",         "mrs",        "ms",
                                        "mullah",     "pope",       "premier",
                                        "president",  "prince",     "princess",
                                        "prof",       "professor",  "queen",
                                        "rabbi",      "rep",        "representative",
                                        "rev",        "reverend",   "secretary",
                                        "sen",        "senator",    "sgt",
                                        "sheik",      "sheikh",     "sir",
                                        "speaker",    "sultan"};
const size_t nw_strong_titles_n = 62;

const char *const nw_weak_titles[] = {"acting", "chief",     "crown",    "defence", "defense",
                                      "deputy", "executive", "finance",  "first",   "foreign",
                                      "former", "grand",     "interior", "leader",  "prime",
                                      "senior", "state",     "supreme",  "vice"};
const size_t nw_weak_titles_n = 19;

const char *const nw_role_words[] = {
    "actor",       "actress",        "adviser",      "advisor",     "aide",        "ambassador",
    "analyst",     "anchor",         "author",       "ayatollah",   "billionaire", "brother",
    "businessman", "businesswoman",  "chairman",     "chairwoman",  "champion",    "chief",
    "cleric",      "coach",          "columnist",    "commander",   "contributor", "daughter",
    "dictator",    "director",       "economist",    "editor",      "envoy",       "executive",
    "father",      "founder",        "general",      "governor",    "head",        "hero",
    "host",        "husband",        "judge",        "lawyer",      "leader",      "manager",
    "mayor",       "minister",       "mother",       "negotiator",  "nominee",     "official",
    "player",      "predecessor",    "premier",      "president",   "professor",   "prosecutor",
    "reporter",    "representative", "secretary",    "senator",     "singer",      "sister",
    "son",         "spokesman",      "spokesperson", "spokeswoman", "star",        "strategist",
    "successor",   "trader",         "wife",         "writer"};
const size_t nw_role_words_n = 70;

const char *const nw_speech_verbs[] = {"added",     "argued",   "asked", "claimed",   "declared",
                                       "explained", "insisted", "noted", "replied",   "said",
                                       "says",      "stated",   "tells", "testified", "told",
                                       "warned",    "wrote"};
const size_t nw_speech_verbs_n = 17;

const char *const nw_org_heads[] = {
    "administration", "agency",       "airlines",     "airways",     "alliance",   "army",
    "assembly",       "association",  "authority",    "bank",        "board",      "brigade",
    "brigades",       "bureau",       "cabinet",      "co",          "commission", "committee",
    "company",        "congress",     "corp",         "corporation", "council",    "court",
    "department",     "exchange",     "federation",   "force",       "forces",     "foundation",
    "front",          "fund",         "group",        "guard",       "guards",     "inc",
    "institute",      "league",       "ltd",          "ministry",    "movement",   "network",
    "office",         "organisation", "organization", "parliament",  "party",      "plc",
    "police",         "reserve",      "senate",       "service",     "services",   "society",
    "tribunal",       "union",        "university"};
const size_t nw_org_heads_n = 57;

const char *const nw_connectors[] = {"al",  "bin", "da",  "de", "del", "der", "di",
                                     "dos", "du",  "ibn", "la", "le",  "van", "von"};
const size_t nw_connectors_n = 14;

static int cmp(const void *key, const void *item)
{
    return strcmp(key, *(const char *const *)item);
}

int nw_word_in(const char *const *list, size_t n, const char *lower)
{
    return bsearch(lower, list, n, sizeof *list, cmp) != NULL;
}
