/* stoplists.c - file names to language codes, and the loader. */
#include "stoplists.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../core/nw_error.h"

static const char *const lists[][2] = {
    {"English", "en"},    {"German", "de"},           {"French", "fr"},    {"Spanish", "es"},
    {"Italian", "it"},    {"Portuguese", "pt"},       {"Dutch", "nl"},     {"Swedish", "sv"},
    {"Danish", "da"},     {"Norwegian_Bokmal", "nb"}, {"Finnish", "fi"},   {"Polish", "pl"},
    {"Czech", "cs"},      {"Slovak", "sk"},           {"Romanian", "ro"},  {"Hungarian", "hu"},
    {"Turkish", "tr"},    {"Russian", "ru"},          {"Ukrainian", "uk"}, {"Greek", "el"},
    {"Indonesian", "id"}, {"Croatian", "hr"},         {"Catalan", "ca"},   {"Vietnamese", "vi"},
    {NULL, NULL}};

nw_lang *nw_stoplists_load(const char *dir, char *err, size_t errsz)
{
    nw_lang *l = nw_lang_new();
    if (!l) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    for (size_t i = 0; lists[i][0]; i++) {
        char path[1024], line[256];
        snprintf(path, sizeof path, "%s/%s.txt", dir, lists[i][0]);
        FILE *f = fopen(path, "r");
        if (!f) {
            snprintf(err, errsz,
                     "%s: cannot open stopword list: %s (set the stage's stoplists key)", path,
                     strerror(errno));
            nw_lang_free(l);
            return NULL;
        }
        int lang = nw_lang_register(l, lists[i][1]);
        while (fgets(line, sizeof line, f)) {
            size_t n = strcspn(line, "\r\n");
            if (n) {
                nw_lang_add_word(l, lang, line, n);
            }
        }
        fclose(f);
    }
    return l;
}
