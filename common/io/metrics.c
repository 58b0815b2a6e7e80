/* metrics.c - fixed-capacity registry. Doubles are stored as their bit patterns in atomic
 * 64-bit words; histogram sums are updated with a compare-and-swap loop. */
#include "metrics.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/nw_error.h"

#define MAX_SERIES 512

typedef enum { KIND_COUNTER, KIND_GAUGE, KIND_HISTOGRAM } kind;

struct nw_metric {
    const char *name;
    const char *help;
    char labels[160];
    kind kind;
    _Atomic uint64_t value; /* counter, or gauge as double bits */
    _Atomic uint64_t buckets[NW_HIST_BUCKETS];
    _Atomic uint64_t count;
    _Atomic uint64_t sum_bits;
    atomic_int hidden; /* a gauge whose subject went away (a revoked partition's lag) */
};

/* x2.5 apart up to 0.1 s; then finer, where latency goals sit (p99 <= 0.25 s) and where a
 * backlog's waits fall: 0.25 then 1 s could not tell a p99 of 0.3 s from one of 0.9 s. */
static const double bucket_bounds[NW_HIST_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2,
    0.25,   0.3,     0.4,    0.5,   0.75,   1,     1.5,  2,     2.5,  5,   10};

static nw_metric series[MAX_SERIES];
static _Atomic size_t nseries;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t dbl_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double bits_dbl(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static nw_metric *lookup(const char *name, const char *labels, kind k)
{
    const char *l = labels ? labels : "";
    pthread_mutex_lock(&reg_lock);
    size_t n = atomic_load(&nseries);
    nw_metric *m = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(series[i].name, name) == 0 && strcmp(series[i].labels, l) == 0) {
            m = &series[i];
            break;
        }
    }
    if (!m && n < MAX_SERIES) {
        m = &series[n];
        m->name = name;
        snprintf(m->labels, sizeof m->labels, "%s", l);
        m->kind = k;
        atomic_store(&nseries, n + 1);
    }
    pthread_mutex_unlock(&reg_lock);
    return m;
}

nw_metric *nw_counter(const char *name, const char *help, const char *labels)
{
    nw_metric *m = lookup(name, labels, KIND_COUNTER);
    if (m) {
        m->help = help;
    }
    return m;
}

nw_metric *nw_gauge(const char *name, const char *help, const char *labels)
{
    nw_metric *m = lookup(name, labels, KIND_GAUGE);
    if (m) {
        m->help = help;
    }
    return m;
}

nw_metric *nw_histogram(const char *name, const char *help, const char *labels)
{
    nw_metric *m = lookup(name, labels, KIND_HISTOGRAM);
    if (m) {
        m->help = help;
    }
    return m;
}

void nw_metric_add(nw_metric *m, uint64_t delta)
{
    if (m) {
        atomic_fetch_add_explicit(&m->value, delta, memory_order_relaxed);
    }
}

void nw_metric_set(nw_metric *m, double v)
{
    if (m) {
        atomic_store_explicit(&m->value, dbl_bits(v), memory_order_relaxed);
        atomic_store_explicit(&m->hidden, 0, memory_order_relaxed);
    }
}

void nw_metric_hide(nw_metric *m)
{
    if (m) {
        atomic_store_explicit(&m->hidden, 1, memory_order_relaxed);
    }
}

void nw_metric_observe(nw_metric *m, double v)
{
    if (!m) {
        return;
    }
    for (int i = 0; i < NW_HIST_BUCKETS; i++) {
        if (v <= bucket_bounds[i]) {
            atomic_fetch_add_explicit(&m->buckets[i], 1, memory_order_relaxed);
            break;
        }
    }
    atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
    uint64_t old = atomic_load_explicit(&m->sum_bits, memory_order_relaxed);
    while (!atomic_compare_exchange_weak(&m->sum_bits, &old, dbl_bits(bits_dbl(old) + v))) {
    }
}

static void label_open(nw_buf *out, const char *labels, const char *extra)
{
    int has = labels[0] != '\0';
    if (!has && !extra) {
        return;
    }
    nw_buf_putc(out, '{');
    nw_buf_puts(out, labels);
    if (extra) {
        if (has) {
            nw_buf_putc(out, ',');
        }
        nw_buf_puts(out, extra);
    }
    nw_buf_putc(out, '}');
}

static void render_one(nw_buf *out, nw_metric *m)
{
    if (m->kind == KIND_COUNTER) {
        nw_buf_puts(out, m->name);
        label_open(out, m->labels, NULL);
        nw_buf_printf(out, " %llu\n", (unsigned long long)atomic_load(&m->value));
        return;
    }
    if (m->kind == KIND_GAUGE) {
        nw_buf_puts(out, m->name);
        label_open(out, m->labels, NULL);
        nw_buf_printf(out, " %.17g\n", bits_dbl(atomic_load(&m->value)));
        return;
    }
    uint64_t cum = 0;
    char le[48];
    for (int i = 0; i < NW_HIST_BUCKETS; i++) {
        cum += atomic_load(&m->buckets[i]);
        snprintf(le, sizeof le, "le=\"%g\"", bucket_bounds[i]);
        nw_buf_printf(out, "%s_bucket", m->name);
        label_open(out, m->labels, le);
        nw_buf_printf(out, " %llu\n", (unsigned long long)cum);
    }
    uint64_t count = atomic_load(&m->count);
    nw_buf_printf(out, "%s_bucket", m->name);
    label_open(out, m->labels, "le=\"+Inf\"");
    nw_buf_printf(out, " %llu\n%s_sum", (unsigned long long)count, m->name);
    label_open(out, m->labels, NULL);
    nw_buf_printf(out, " %.17g\n%s_count", bits_dbl(atomic_load(&m->sum_bits)), m->name);
    label_open(out, m->labels, NULL);
    nw_buf_printf(out, " %llu\n", (unsigned long long)count);
}

/* The standard process_* series, read from /proc at scrape time. */
static void render_process(nw_buf *out)
{
    static double start_time;
    long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    FILE *f = fopen("/proc/self/stat", "r");
    unsigned long utime = 0, stime = 0, vsize = 0;
    long rss = 0;
    unsigned long long starttime = 0;
    if (f) {
        /* fields 14, 15 (utime, stime), 22 (starttime), 23 (vsize), 24 (rss); the name in
         * parentheses may hold spaces: skip past its closing parenthesis */
        char line[1024];
        char *p = fgets(line, sizeof line, f) ? strrchr(line, ')') : NULL;
        if (p &&
            sscanf(p + 2,
                   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d %*d "
                   "%*d %llu %lu %ld",
                   &utime, &stime, &starttime, &vsize, &rss) == 5 &&
            start_time == 0) {
            FILE *u = fopen("/proc/stat", "r");
            char l2[256];
            unsigned long long btime = 0;
            while (u && fgets(l2, sizeof l2, u)) {
                if (sscanf(l2, "btime %llu", &btime) == 1) {
                    break;
                }
            }
            if (u) {
                fclose(u);
            }
            start_time = (double)btime + (double)starttime / (double)ticks;
        }
        fclose(f);
    }
    size_t fds = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));) {
        fds += e->d_name[0] != '.';
    }
    if (d) {
        closedir(d);
    }
    nw_buf_printf(out,
                  "# HELP process_cpu_seconds_total Total user and system CPU time, seconds.\n"
                  "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.2f\n"
                  "# HELP process_resident_memory_bytes Resident memory size, bytes.\n"
                  "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %ld\n"
                  "# HELP process_virtual_memory_bytes Virtual memory size, bytes.\n"
                  "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes %lu\n"
                  "# HELP process_start_time_seconds Start time since the epoch, seconds.\n"
                  "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.2f\n"
                  "# HELP process_open_fds Open file descriptors.\n"
                  "# TYPE process_open_fds gauge\nprocess_open_fds %zu\n",
                  (double)(utime + stime) / (double)ticks, rss * page, vsize, start_time,
                  fds > 0 ? fds - 1 : 0); /* less the one opendir holds */
}

int nw_metrics_render(nw_buf *out)
{
    render_process(out);
    static const char *const type_names[] = {"counter", "gauge", "histogram"};
    size_t n = atomic_load(&nseries);
    for (size_t i = 0; i < n; i++) {
        int first = 1;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(series[j].name, series[i].name) == 0) {
                first = 0;
                break;
            }
        }
        if (!first) {
            continue;
        }
        nw_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", series[i].name, series[i].help,
                      series[i].name, type_names[series[i].kind]);
        for (size_t j = i; j < n; j++) {
            if (strcmp(series[j].name, series[i].name) == 0 && !atomic_load(&series[j].hidden)) {
                render_one(out, &series[j]);
            }
        }
    }
    return out->data ? NW_OK : nw_buf_puts(out, "");
}

double nw_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t nw_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
