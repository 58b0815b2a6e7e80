/* file_id.h - the document id of a file sent by nearwire-ingest: its path as given, without
 * "./" at the start, doubled slashes or the extension ("siteA/index.html" -> "siteA/index").
 * The file name alone made the index.html of two sites one article, the second answered as a
 * replay of the first. Ids are at most NW_FILE_ID_MAX bytes (the stages take 256): a longer
 * path keeps its end after a hash of the whole. Pure. */
#ifndef NW_FILE_ID_H
#define NW_FILE_ID_H

#include <stddef.h>

#define NW_FILE_ID_MAX 256

/* Writes the id of path into id (cap > NW_FILE_ID_MAX); returns its length. */
size_t nw_file_id(const char *path, char *id, size_t cap);

#endif
