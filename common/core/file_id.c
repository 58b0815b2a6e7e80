/* file_id.c - a path turned into an id. */
#include "file_id.h"

#include <stdio.h>
#include <string.h>
#include <xxhash.h>

size_t nw_file_id(const char *path, char *id, size_t cap)
{
    char norm[4096];
    size_t n = 0;
    while (path[0] == '.' && path[1] == '/') {
        path += 2 + strspn(path + 2, "/");
    }
    for (const char *p = path; *p && n + 1 < sizeof norm; p++) {
        if (!(*p == '/' && n > 0 && norm[n - 1] == '/')) { /* "a//b" -> "a/b" */
            norm[n++] = *p;
        }
    }
    norm[n] = '\0';
    char *base = strrchr(norm, '/');
    base = base ? base + 1 : norm;
    char *dot = strrchr(base, '.');
    if (dot && dot != base) {
        n = (size_t)(dot - norm);
        norm[n] = '\0';
    }
    if (n <= NW_FILE_ID_MAX) {
        return (size_t)snprintf(id, cap, "%s", norm);
    }
    /* the hash tells long paths apart; the end of the path says what it is */
    size_t keep = NW_FILE_ID_MAX - 17;
    return (size_t)snprintf(id, cap, "%016llx~%s", (unsigned long long)XXH3_64bits(norm, n),
                            norm + n - keep);
}
