/* charset.h - messages whose strings are not UTF-8 because a page was passed on in its own
 * charset (a body with <meta charset=iso-8859-1>, windows-1252 bytes from an old CMS). JSON
 * must be UTF-8, so such a message was dead-lettered invalid_utf8; now each string that is
 * not valid UTF-8 is decoded from the charset the message declares (a content_type
 * "charset=" parameter or the page's <meta charset> / http-equiv, whichever comes first), else
 * windows-1252 (what browsers read unlabelled and ISO-8859-1 pages as). Strings that are
 * valid UTF-8 are left alone: a crawler's own fields around a raw page stay as they are. Only
 * bytes the charset cannot decode still make the message invalid_utf8. Uses iconv. */
#ifndef NW_CHARSET_H
#define NW_CHARSET_H

#include <stddef.h>

#include "buf.h"
#include "nw_err.h"

/* The charset msg declares ("charset=NAME", case-insensitive, in its first 64 KiB), as
 * browsers map it (ISO-8859-1, ASCII and their aliases read as windows-1252; Shift_JIS as
 * CP932, EUC-KR as CP949, GB2312 and GBK as GB18030, Big5 as BIG5-HKSCS), into name;
 * "windows-1252" when none is declared or the declared one is UTF-8 (which the bytes are
 * not). Returns name. */
const char *nw_charset_of(const char *msg, size_t n, char *name, size_t cap);

/* Appends to out the JSON text msg with every string literal that is not valid UTF-8 decoded
 * from charset. NW_OK, NW_E_NOMEM, or NW_E_INPUT (reason invalid_utf8, with the byte) when
 * the charset is unknown or a string holds bytes it cannot decode. */
int nw_charset_decode_json(const char *msg, size_t n, const char *charset, nw_buf *out,
                           nw_err *err);

#endif
