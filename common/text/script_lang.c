/* script_lang.c - letters counted by Unicode block. */
#include "script_lang.h"

#include <stdint.h>

#include "../core/utf8.h"

#define SCAN_BYTES 4096
#define MIN_LETTERS 8

enum {
    S_OTHER,
    S_HAN,
    S_KANA,
    S_HANGUL,
    S_ARABIC,
    S_PERSIAN,
    S_HEBREW,
    S_THAI,
    S_DEVANAGARI,
    S_BENGALI,
    S_TAMIL,
    S_GEORGIAN,
    S_ARMENIAN,
    S_COUNT
};

static const char *const codes[S_COUNT] = {NULL, "zh", "ja", "ko", "ar", "fa", "he",
                                           "th", "hi", "bn", "ta", "ka", "hy"};

/* The script of code point c; S_OTHER for Latin, Cyrillic, Greek and what is no letter. */
static int script_of(uint32_t c)
{
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
        (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0xF900 && c <= 0xFAFF)) {
        return S_HAN;
    }
    if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
        (c >= 0xFF66 && c <= 0xFF9D)) {
        return S_KANA;
    }
    if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
        (c >= 0x3130 && c <= 0x318F)) {
        return S_HANGUL;
    }
    /* Persian's own letters: peh, tcheh, jeh, gaf, Farsi yeh */
    if (c == 0x067E || c == 0x0686 || c == 0x0698 || c == 0x06AF || c == 0x06CC) {
        return S_PERSIAN;
    }
    if ((c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) ||
        (c >= 0x0750 && c <= 0x077F)) {
        return S_ARABIC;
    }
    if (c >= 0x05D0 && c <= 0x05EA) {
        return S_HEBREW;
    }
    if (c >= 0x0E01 && c <= 0x0E4E) {
        return S_THAI;
    }
    if (c >= 0x0900 && c <= 0x097F) {
        return S_DEVANAGARI;
    }
    if (c >= 0x0980 && c <= 0x09FF) {
        return S_BENGALI;
    }
    if (c >= 0x0B80 && c <= 0x0BFF) {
        return S_TAMIL;
    }
    if (c >= 0x10A0 && c <= 0x10FF) {
        return S_GEORGIAN;
    }
    if (c >= 0x0530 && c <= 0x058F) {
        return S_ARMENIAN;
    }
    return S_OTHER;
}

static int is_latin_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F) ||
           (c >= 0x370 && c <= 0x4FF); /* Latin-1 to Latin Extended-B, Greek, Cyrillic */
}

const char *nw_lang_by_script(const char *text, size_t n)
{
    size_t count[S_COUNT] = {0}, letters = 0, lim = n < SCAN_BYTES ? n : SCAN_BYTES;
    const unsigned char *s = (const unsigned char *)text;
    size_t high = 0; /* lead bytes of Hebrew and above: Latin, Greek and Cyrillic have none */
    for (size_t i = 0; i < lim; i++) {
        high += s[i] >= 0xD7 && s[i] < 0xF8;
    }
    if (high < MIN_LETTERS) {
        return NULL;
    }
    for (size_t i = 0; i < lim;) {
        int cp;
        i += (size_t)nw_utf8_decode(s + i, lim - i, &cp); /* the text is valid UTF-8 */
        uint32_t c = (uint32_t)cp;
        int sc = script_of(c);
        count[sc] += sc != S_OTHER;
        letters += sc != S_OTHER || is_latin_letter(c);
    }
    /* Japanese writes Han and kana together: any real share of kana makes it Japanese */
    if (count[S_KANA] * 10 >= count[S_HAN] && count[S_KANA] > 0) {
        count[S_KANA] += count[S_HAN];
        count[S_HAN] = 0;
    }
    if (count[S_PERSIAN]) { /* Persian is Arabic letters plus a few of its own */
        count[S_PERSIAN] += count[S_ARABIC];
        count[S_ARABIC] = 0;
    }
    int best = S_OTHER;
    for (int k = 1; k < S_COUNT; k++) {
        best = count[k] > count[best] ? k : best;
    }
    if (best == S_OTHER || count[best] < MIN_LETTERS || 2 * count[best] < letters) {
        return NULL;
    }
    return codes[best];
}
