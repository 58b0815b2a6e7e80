/* gazetteer_load.c - the lists of a gazetteer folder, places first (a name in both lists is
 * a place). */
#include "gazetteer_load.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../core/nw_error.h"

static int load_list(nw_gazetteer *g, const char *dir, const char *file, nw_entity_kind kind,
                     char *err, size_t errsz)
{
    char path[1024], line[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsz, "%s: cannot open gazetteer list: %s (set enrich.gazetteer)", path,
                 strerror(errno));
        return NW_E_INPUT;
    }
    int rc = NW_OK;
    for (int lineno = 1; rc == NW_OK && fgets(line, sizeof line, f); lineno++) {
        rc = nw_gazetteer_add_line(g, kind, line, strlen(line));
        if (rc == NW_E_INPUT) {
            snprintf(err, errsz, "%s:%d: a name has more than %d words or 127 bytes", path, lineno,
                     NW_GAZ_MAX_WORDS);
        } else if (rc != NW_OK) {
            snprintf(err, errsz, "out of memory");
        }
    }
    fclose(f);
    return rc;
}

nw_gazetteer *nw_gazetteer_load(const char *dir, char *err, size_t errsz)
{
    nw_gazetteer *g = nw_gazetteer_new();
    if (!g) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    if (load_list(g, dir, "places.txt", NW_ENT_PLACE, err, errsz) != NW_OK ||
        load_list(g, dir, "organizations.txt", NW_ENT_ORG, err, errsz) != NW_OK) {
        nw_gazetteer_free(g);
        return NULL;
    }
    return g;
}
