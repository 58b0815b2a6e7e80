/* crash_marker.c - the in-flight marker's text and the restart's verdicts. Format:
 *     nwmark1 <state>\n
 *     scope <bootstrap|group|topic>\n
 *     retry <0|1>\n
 *     n <count>\n
 *     <partition> <offset>\n      (count lines)
 *     end\n
 * Anything after "end" is left over from a longer marker and ignored. */
#include "crash_marker.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_words[] = {"settled", "running", "crashed", "timeout"};

const char *nw_mark_state_word(nw_mark_state s)
{
    return state_words[s];
}

size_t nw_mark_encoded_max(size_t n, size_t scope_len)
{
    /* header, scope, retry and count lines, "end"; a message line is at most 11 + 1 + 20 + 1 */
    return 16 + 7 + scope_len + 8 + 24 + n * 34 + 4 + 1;
}

size_t nw_mark_encode(char *buf, size_t cap, nw_mark_state state, int retry, const char *scope,
                      const nw_mark_msg *m, size_t n)
{
    size_t len = (size_t)snprintf(buf, cap, "nwmark1 %s\nscope %s\nretry %d\nn %zu\n",
                                  nw_mark_state_word(state), scope, retry ? 1 : 0, n);
    for (size_t i = 0; i < n && len < cap; i++) {
        len += (size_t)snprintf(buf + len, cap - len, "%" PRId32 " %" PRId64 "\n", m[i].partition,
                                m[i].offset);
    }
    if (len < cap) {
        len += (size_t)snprintf(buf + len, cap - len, "end\n");
    }
    return len < cap ? len : cap - 1;
}

/* The next line of text[*at..len) without its newline, or NULL at the end. */
static const char *next_line(const char *text, size_t len, size_t *at, size_t *line_len)
{
    if (*at >= len) {
        return NULL;
    }
    const char *line = text + *at;
    const char *nl = memchr(line, '\n', len - *at);
    if (!nl) {
        return NULL; /* a cut marker: the writer died mid-write, which our writes never do */
    }
    *line_len = (size_t)(nl - line);
    *at += *line_len + 1;
    return line;
}

static int bad(nw_err *err, const char *what)
{
    nw_err_set(err, -1, "bad_marker", "in-flight marker: %s", what);
    return -1;
}

static int read_marker(nw_suspects *s, const char *text, size_t len, const char *scope, nw_err *err)
{
    s->n = 0;
    s->state = NW_MARK_SETTLED;
    s->retry = 0;
    if (len == 0) {
        return 0; /* a fresh marker file */
    }
    size_t at = 0, ll;
    const char *line = next_line(text, len, &at, &ll);
    if (!line || ll != NW_MARK_STATE_AT + NW_MARK_STATE_LEN || memcmp(line, "nwmark1 ", 8) != 0) {
        return bad(err, "first line is not \"nwmark1 <state>\"");
    }
    int state = -1;
    for (int i = 0; i < 4; i++) {
        if (memcmp(line + NW_MARK_STATE_AT, state_words[i], NW_MARK_STATE_LEN) == 0) {
            state = i;
        }
    }
    if (state < 0) {
        return bad(err, "unknown state");
    }
    line = next_line(text, len, &at, &ll);
    size_t slen = strlen(scope);
    if (!line || ll < 6 || memcmp(line, "scope ", 6) != 0) {
        return bad(err, "no scope line");
    }
    if (state == NW_MARK_SETTLED || ll - 6 != slen || memcmp(line + 6, scope, slen) != 0) {
        return 0; /* finished, or another stream's */
    }
    line = next_line(text, len, &at, &ll);
    if (!line || ll != 7 || memcmp(line, "retry ", 6) != 0 || (line[6] != '0' && line[6] != '1')) {
        return bad(err, "no retry line");
    }
    int retry = line[6] == '1';
    line = next_line(text, len, &at, &ll);
    char num[32];
    unsigned long long count;
    if (!line || ll < 3 || ll - 2 >= sizeof num || memcmp(line, "n ", 2) != 0) {
        return bad(err, "no count line");
    }
    memcpy(num, line + 2, ll - 2);
    num[ll - 2] = '\0';
    if (sscanf(num, "%llu", &count) != 1) {
        return bad(err, "bad count");
    }
    for (unsigned long long i = 0; i < count; i++) {
        line = next_line(text, len, &at, &ll);
        char msg[64];
        int32_t p;
        int64_t o;
        if (!line || ll >= sizeof msg) {
            return bad(err, "fewer messages than its count");
        }
        memcpy(msg, line, ll);
        msg[ll] = '\0';
        if (sscanf(msg, "%" SCNd32 " %" SCNd64, &p, &o) != 2) {
            return bad(err, "bad message line");
        }
        if (s->n < s->cap) { /* a marker longer than our batch: the rest stay unsuspected */
            s->msgs[s->n++] = (nw_mark_msg){p, o, 0};
        }
    }
    line = next_line(text, len, &at, &ll);
    if (!line || ll != 3 || memcmp(line, "end", 3) != 0) {
        return bad(err, "no end line");
    }
    s->state = (nw_mark_state)state;
    s->retry = retry;
    return 0;
}

int nw_suspects_read(nw_suspects *s, const char *text, size_t len, const char *scope, nw_err *err)
{
    int rc = read_marker(s, text, len, scope, err);
    if (rc != 0) {
        s->n = 0; /* never half-read */
        s->state = NW_MARK_SETTLED;
    }
    return rc;
}

nw_verdict nw_suspects_judge(nw_suspects *s, int32_t partition, int64_t offset, nw_err *err)
{
    nw_verdict v = NW_VERDICT_NONE;
    for (size_t i = 0; i < s->n; i++) {
        nw_mark_msg *m = &s->msgs[i];
        if (m->partition != partition || m->offset > offset || m->seen) {
            continue;
        }
        m->seen = 1;
        if (m->offset != offset) {
            continue; /* passed without being consumed (e.g. compacted away) */
        }
        if (s->n > 1 || (s->state == NW_MARK_RUNNING && !s->retry)) {
            v = NW_VERDICT_ISOLATE;
        } else if (s->state == NW_MARK_TIMEOUT) {
            nw_err_set(err, 0, "too_complex",
                       "processing this message alone overran the CPU budget "
                       "(batch.cpu.seconds); the stage restarted to drop it");
            v = NW_VERDICT_CONDEMN;
        } else {
            nw_err_set(err, 0, "crashed",
                       s->state == NW_MARK_CRASHED
                           ? "the stage died (fatal signal or error) processing this message "
                             "alone; dead-lettered on restart instead of retried"
                           : "the stage was killed twice processing this message (out of memory?); "
                             "dead-lettered on restart instead of retried");
            v = NW_VERDICT_CONDEMN;
        }
    }
    return v;
}

int nw_suspects_pending(const nw_suspects *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!s->msgs[i].seen) {
            return 1;
        }
    }
    return 0;
}
