/* gazetteer_load.h - reads places.txt and organizations.txt of a folder into a gazetteer. */
#ifndef NW_GAZETTEER_LOAD_H
#define NW_GAZETTEER_LOAD_H

#include <stddef.h>

#include "../enrich/gazetteer.h"

/* NULL with the reason (naming the file and line) in err. Caller frees with nw_gazetteer_free. */
nw_gazetteer *nw_gazetteer_load(const char *dir, char *err, size_t errsz);

#endif
