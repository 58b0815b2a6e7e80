/* html_scan.h - a linear pre-scan of an HTML page before the HTML5 parser sees it: how deep
 * its unclosed elements nest. gumbo's work and memory grow with the square of that depth
 * (50,000 nested <div>, or 20,000 unclosed <b>, took the clean stage past 8 GB), and no real
 * article page nests more than a few dozen levels. Elements whose end tag may be left out
 * (p, li, td, ...) and void ones (br, img, ...) do not count; comments and the insides of
 * script, style and similar raw-text elements are skipped. An element with hundreds of
 * attributes is refused too (gumbo's cost is the square of their number: 340,000 attributes
 * took over five minutes), and so is a page of over NW_HTML_MAX_ELEMENTS elements (gumbo's
 * memory is linear in them, but at ~500 bytes each against 4 of input). No allocation. Pure. */
#ifndef NW_HTML_SCAN_H
#define NW_HTML_SCAN_H

#include <stddef.h>

#include "../core/nw_err.h"

#define NW_HTML_MAX_DEPTH 512
/* every element is a gumbo node (about 500 bytes with its text): a page of 4 MB "x<p>" took
 * 490 MB; the most in 1,700 real pages of three corpora is 10,534 */
#define NW_HTML_MAX_ELEMENTS 100000
/* gumbo checks each attribute against the element's earlier ones: quadratic in their number */
#define NW_HTML_MAX_ATTRS 256

/* NW_OK, or NW_E_INPUT with err->reason too_complex and the byte where the depth passed
 * max_depth (at most NW_HTML_MAX_DEPTH), an element had more than NW_HTML_MAX_ATTRS
 * attributes or the page more than NW_HTML_MAX_ELEMENTS elements. */
int nw_html_scan(const char *html, size_t n, unsigned max_depth, nw_err *err);

#endif
