/* stoplists.h - loads the jusText stopword lists of a folder (English.txt, ...) into a
 * language identifier. The files and their ISO 639-1 codes are listed in stoplists.c. */
#ifndef NW_STOPLISTS_H
#define NW_STOPLISTS_H

#include <stddef.h>

#include "../text/lang.h"

/* Returns a new identifier (caller frees with nw_lang_free) or NULL with the reason in err:
 * a missing folder or list is an error that names the path. */
nw_lang *nw_stoplists_load(const char *dir, char *err, size_t errsz);

#endif
