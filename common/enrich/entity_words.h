/* entity_words.h - word lists for entity extraction (English), each sorted and lower case:
 * words never starting a name, calendar words, strong titles ("President", "Ayatollah",
 * "Mr") and weak ones that count only beside a strong one ("Prime", "Foreign"), lower-case
 * roles before a name ("spokesman"), speech verbs after one ("said"), the last words of
 * organisation names ("Ministry", "Party"), and name particles ("bin", "van"). */
#ifndef NW_ENTITY_WORDS_H
#define NW_ENTITY_WORDS_H

#include <stddef.h>

#define NW_WORD_LIST(name)                                                                         \
    extern const char *const nw_##name[];                                                          \
    extern const size_t nw_##name##_n;
NW_WORD_LIST(function_words)
NW_WORD_LIST(calendar_words)
NW_WORD_LIST(strong_titles)
NW_WORD_LIST(weak_titles)
NW_WORD_LIST(role_words)
NW_WORD_LIST(speech_verbs)
NW_WORD_LIST(org_heads)
NW_WORD_LIST(connectors)
#undef NW_WORD_LIST

/* 1 when the lower-case word is in the sorted list */
int nw_word_in(const char *const *list, size_t n, const char *lower);
#define NW_IN(name, lower) nw_word_in(nw_##name, nw_##name##_n, (lower))

#endif
