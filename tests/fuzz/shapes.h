/* shapes.h - structure-aware generators for the fuzz harnesses: the fuzzer's bytes are read
 * as a small program (open an element, close one, text, attributes, "repeat the last few
 * steps 2^k times") that writes HTML or JSON. A few bytes reach what random bytes never do:
 * 30,000 nested <div>, thousands of misnested formatting tags, elements with hundreds of
 * attributes, arrays nested past every limit, megabytes of escapes. Output is capped. */
#ifndef NW_FUZZ_SHAPES_H
#define NW_FUZZ_SHAPES_H

#include <stddef.h>
#include <stdint.h>

/* Writes an HTML page into out (cap bytes, NUL-terminated); returns its length. */
size_t nw_shapes_html(const uint8_t *data, size_t size, char *out, size_t cap);

/* Writes a JSON message (an object with id and body, then what the program says) into out;
 * returns its length. The text may be invalid on purpose (cut, lone surrogates, \u0000). */
size_t nw_shapes_json(const uint8_t *data, size_t size, char *out, size_t cap);

#endif
