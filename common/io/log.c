/* log.c - logfmt writer. A line is formatted into a stack buffer and written with one
 * fwrite so lines from several threads never interleave. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/logfmt_json.h"

int nw_log_level = NW_LOG_INFO;
int nw_log_json = 0;
static const char *log_stage = "nearwire";
static const char *const level_names[] = {"error", "warn", "info", "debug"};

/* rate limiting: a small table of (event, second, count) */
#define RL_SLOTS 64
static struct {
    const char *event;
    time_t second;
    unsigned count;
    unsigned suppressed;
} rl[RL_SLOTS];
static pthread_mutex_t rl_lock = PTHREAD_MUTEX_INITIALIZER;

void nw_log_set_stage(const char *stage)
{
    log_stage = stage;
}

int nw_log_parse_level(const char *name)
{
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(name, level_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

int nw_log_parse_format(const char *name)
{
    return strcasecmp(name, "logfmt") == 0 ? 0 : strcasecmp(name, "json") == 0 ? 1 : -1;
}

/* Returns how many lines were suppressed before this one, or -1 to suppress this one. */
static long rate_check(const char *event, time_t now)
{
    size_t h = 0;
    for (const char *p = event; *p; p++) {
        h = h * 31 + (unsigned char)*p;
    }
    pthread_mutex_lock(&rl_lock);
    size_t i = h % RL_SLOTS;
    long ret = 0;
    if (rl[i].event != event || rl[i].second != now) {
        ret = rl[i].event == event ? (long)rl[i].suppressed : 0;
        rl[i].event = event;
        rl[i].second = now;
        rl[i].count = 0;
        rl[i].suppressed = 0;
    }
    if (++rl[i].count > NW_LOG_BURST) {
        rl[i].suppressed++;
        ret = -1;
    }
    pthread_mutex_unlock(&rl_lock);
    return ret;
}

void nw_log_write(int level, const char *event, const char *fmt, ...)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long suppressed = rate_check(event, ts.tv_sec);
    if (suppressed < 0) {
        return;
    }
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char line[2048];
    int n = snprintf(line, sizeof line,
                     "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s stage=%s event=%s",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     ts.tv_nsec / 1000000, level_names[level & 3], log_stage, event);
    if (fmt && *fmt && n > 0 && (size_t)n < sizeof line - 2) {
        line[n++] = ' ';
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
        n = m < 0 ? n : (size_t)(n + m) >= sizeof line ? (int)sizeof line - 1 : n + m;
    }
    if (suppressed > 0 && (size_t)n < sizeof line - 32) {
        n += snprintf(line + n, sizeof line - (size_t)n, " suppressed=%ld", suppressed);
    }
    if ((size_t)n >= sizeof line - 1) {
        n = (int)sizeof line - 2;
    }
    if (nw_log_json) {
        char json[sizeof line + 512]; /* room for the quotes JSON adds around bare values */
        size_t m = nw_logfmt_to_json(line, (size_t)n, json, sizeof json - 1);
        json[m++] = '\n';
        fwrite(json, 1, m, stderr);
        return;
    }
    line[n++] = '\n';
    fwrite(line, 1, (size_t)n, stderr);
}

size_t nw_log_quote(char *dst, size_t cap, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (cap < 3) {
        return 0;
    }
    dst[n++] = '"';
    for (; s && *s && n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            dst[n++] = '\\';
            dst[n++] = (char)c;
        } else if (c == '\n' || c == '\t' || c == '\r') {
            dst[n++] = '\\';
            dst[n++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
        } else if (c < 0x20 || c == 0x7f) {
            memcpy(dst + n, "\\u00", 4);
            dst[n + 4] = hex[c >> 4];
            dst[n + 5] = hex[c & 15];
            n += 6;
        } else {
            dst[n++] = (char)c;
        }
    }
    dst[n++] = '"';
    dst[n] = '\0';
    return n;
}

const char *nw_logq(const char *s)
{
    static _Thread_local char bufs[8][512];
    static _Thread_local unsigned next;
    char *b = bufs[next++ % 8];
    nw_log_quote(b, sizeof bufs[0], s);
    return b;
}
