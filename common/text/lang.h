/* lang.h - language identification by stopword hits (by script where there are none,
 * script_lang.h): each known word maps to the set of
 * languages it is a stopword of; a text takes the language whose stopwords it uses most.
 * Pure (the word lists are loaded by an adapter, io/stoplists.c). Up to 32 languages. */
#ifndef NW_LANG_H
#define NW_LANG_H

#include <stddef.h>

#define NW_LANG_MAX 32

typedef struct nw_lang nw_lang;

nw_lang *nw_lang_new(void); /* NULL on out-of-memory; caller frees with nw_lang_free() */
void nw_lang_free(nw_lang *l);

/* Registers a language; returns its index or -1 when full. 'code' is copied. */
int nw_lang_register(nw_lang *l, const char *code);
int nw_lang_add_word(nw_lang *l, int lang, const char *word, size_t n);
size_t nw_lang_count(const nw_lang *l);

/* The code of the language of 'text' ("und" when too little evidence). Looks at the first
 * 4 KiB. No allocation. */
const char *nw_lang_detect(const nw_lang *l, const char *text, size_t n);

/* 1 when the lower-case word is a stopword of the language 'code' (of any language when code
 * is NULL or not registered). */
int nw_lang_is_stopword(const nw_lang *l, const char *code, const char *word, size_t n);

#endif
