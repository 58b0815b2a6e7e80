/* clean_trace.c - development aid: one HTML page on stdin through the cleaner, every paragraph
 * out as "reason<TAB>text" in page order ("none" = kept), then each pruned container as
 * "pruned_container<TAB>tag.class#id<TAB>text".
 * tests/eval/clean_losses.py runs it to attribute missed gold text to the rule that dropped it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "text/clean.h"
#include "text/html_extract.h"

int main(void)
{
    nw_buf in;
    nw_buf_init(&in);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        if (nw_buf_append(&in, chunk, got) != 0) {
            return 2;
        }
    }
    nw_cleaner *c = nw_cleaner_new();
    const nw_clean_result *r;
    if (!c || nw_cleaner_run(c, in.data ? in.data : "", in.len, NW_CT_HTML, NULL, &r) != 0) {
        fprintf(stderr, "clean_trace: the page could not be cleaned\n");
        return 1;
    }
    for (size_t i = 0; i < nw_cleaner_paragraphs(c); i++) {
        const char *s;
        size_t n;
        nw_bp_reason why = nw_cleaner_paragraph(c, i, &s, &n);
        printf("%s\t%.*s\n", nw_bp_reason_name(why), (int)n, s);
    }
    /* the pruned containers' text, from a second extraction with the trace on */
    nw_paras ps;
    nw_html_result h;
    nw_buf trace;
    nw_paras_init(&ps);
    nw_html_result_init(&h);
    nw_buf_init(&trace);
    h.pruned_trace = &trace;
    if (nw_html_extract(in.data ? in.data : "", in.len, &ps, &h) == 0 && trace.len) {
        for (char *line = strtok(trace.data, "\n"); line; line = strtok(NULL, "\n")) {
            printf("pruned_container\t%s\n", line);
        }
    }
    nw_buf_release(&trace);
    nw_html_result_release(&h);
    nw_paras_release(&ps);
    nw_cleaner_free(c);
    nw_buf_release(&in);
    return 0;
}
