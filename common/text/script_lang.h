/* script_lang.h - a language from the writing system alone, for texts whose stopwords we do
 * not know or that have no spaces to find words by: kana -> ja, Han -> zh, Hangul -> ko,
 * Arabic -> ar (fa with Persian letters), Hebrew -> he, Thai -> th, Devanagari -> hi, Bengali
 * -> bn, Tamil -> ta, Georgian -> ka, Armenian -> hy. Chinese, Japanese and Arabic pages were
 * all "und". Pure, no allocation. */
#ifndef NW_SCRIPT_LANG_H
#define NW_SCRIPT_LANG_H

#include <stddef.h>

/* The language of the script most of the letters in text[0..n) are in (looking at the first
 * 4 KiB), or NULL when that is Latin, Cyrillic or Greek (stopwords decide those) or when
 * there are too few letters to say. */
const char *nw_lang_by_script(const char *text, size_t n);

#endif
