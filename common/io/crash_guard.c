/* crash_guard.c - the marker file, the fatal-signal hook and the CPU watchdog. */
#include "crash_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define MAX_SLOTS 64
#define EXIT_BUDGET 70 /* EX_SOFTWARE: the watchdog stopped the stage */

struct nw_crash_guard {
    int fd;
    char path[512];
    char scope[512];
    char *buf; /* the encoded marker */
    size_t cap;
    nw_suspects suspects;
    double isolate_until; /* give up waiting for suspects (their partition moved away) */
    /* the watchdog */
    double cpu_seconds;
    clockid_t main_cpu;
    atomic_int armed;
    atomic_llong armed_at_ns; /* main thread's CPU clock when the batch began */
    atomic_int quit;
    pthread_t thread;
    int have_thread;
};

static nw_crash_guard *the_guard; /* for the signal handler; one guard a process */
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction previous[NFATAL];

static void mark_state(nw_crash_guard *g, nw_mark_state s)
{
    /* async-signal-safe: one pwrite of the fixed-size state word */
    ssize_t w = pwrite(g->fd, nw_mark_state_word(s), NW_MARK_STATE_LEN, (off_t)NW_MARK_STATE_AT);
    (void)w;
}

static void on_fatal_signal(int sig)
{
    nw_crash_guard *g = the_guard;
    if (g && atomic_load(&g->armed)) {
        mark_state(g, NW_MARK_CRASHED);
    }
    /* then die as we would have: the previous action (default, or a sanitizer's report) */
    for (size_t i = 0; i < NFATAL; i++) {
        if (fatal_signals[i] == sig) {
            sigaction(sig, &previous[i], NULL);
        }
    }
    raise(sig);
}

static long long cpu_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *watchdog(void *arg)
{
    nw_crash_guard *g = arg;
    const struct timespec tick = {0, 50 * 1000000L};
    long long budget = (long long)(g->cpu_seconds * 1e9);
    while (!atomic_load(&g->quit)) {
        nanosleep(&tick, NULL);
        if (!atomic_load(&g->armed)) {
            continue;
        }
        long long used = cpu_ns(g->main_cpu) - atomic_load(&g->armed_at_ns);
        if (used > budget && atomic_load(&g->armed)) {
            mark_state(g, NW_MARK_TIMEOUT);
            nw_log(NW_LOG_ERROR, "cpu_budget_exceeded",
                   "cpu_seconds=%.1f limit=%.1f detail=\"a batch overran batch.cpu.seconds; "
                   "exiting so that the restart retries it one message at a time\"",
                   (double)used / 1e9, g->cpu_seconds);
            _exit(
                EXIT_BUDGET); /* the step cannot be interrupted safely; its offsets are unstored */
        }
    }
    return NULL;
}

/* Takes the first marker file of the stage that no live process holds. */
static int take_slot(nw_crash_guard *g, const char *dir, const char *stage, char *err, size_t errsz)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errsz, "state.dir \"%s\": cannot create: %s", dir, strerror(errno));
        return -1;
    }
    for (int k = 0; k < MAX_SLOTS; k++) {
        snprintf(g->path, sizeof g->path, "%s/%s.%d.inflight", dir, stage, k);
        int fd = open(g->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            snprintf(err, errsz, "state.dir: cannot open \"%s\": %s", g->path, strerror(errno));
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            g->fd = fd;
            return 0;
        }
        close(fd);
    }
    snprintf(err, errsz, "state.dir \"%s\": all %d marker files of %s are held by live processes",
             dir, MAX_SLOTS, stage);
    return -1;
}

static void read_previous(nw_crash_guard *g)
{
    struct stat st;
    char *text = NULL;
    ssize_t len = -1;
    if (fstat(g->fd, &st) == 0 && (text = malloc((size_t)st.st_size + 1))) {
        len = pread(g->fd, text, (size_t)st.st_size, 0);
    }
    nw_err err;
    nw_err_clear(&err);
    if (len < 0 || nw_suspects_read(&g->suspects, text, (size_t)len, g->scope, &err) != 0) {
        nw_log(NW_LOG_WARN, "marker_unreadable", "path=%s detail=%s", nw_logq(g->path),
               nw_logq(len < 0 ? strerror(errno) : err.detail));
        g->suspects.n = 0;
    }
    free(text);
    if (g->suspects.n) {
        nw_log(NW_LOG_WARN, "restart_after_death",
               "state=%s messages=%zu retry=%d path=%s detail=\"the previous process died "
               "in a batch; its messages are processed one at a time\"",
               nw_mark_state_word(g->suspects.state), g->suspects.n, g->suspects.retry,
               nw_logq(g->path));
    }
}

nw_crash_guard *nw_crash_guard_open(const char *dir, const char *stage, const char *scope,
                                    size_t max_batch, double cpu_seconds, char *err, size_t errsz)
{
    nw_crash_guard *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    g->fd = -1;
    snprintf(g->scope, sizeof g->scope, "%s", scope);
    g->cap = nw_mark_encoded_max(max_batch, strlen(g->scope));
    g->buf = malloc(g->cap);
    g->suspects.msgs = calloc(max_batch, sizeof *g->suspects.msgs);
    g->suspects.cap = max_batch;
    if (!g->buf || !g->suspects.msgs || take_slot(g, dir, stage, err, errsz) != 0) {
        if (!g->buf || !g->suspects.msgs) {
            snprintf(err, errsz, "out of memory");
        }
        nw_crash_guard_close(g);
        return NULL;
    }
    read_previous(g);
    size_t len = nw_mark_encode(g->buf, g->cap, NW_MARK_SETTLED, 0, g->scope, NULL, 0);
    if (pwrite(g->fd, g->buf, len, 0) != (ssize_t)len) {
        snprintf(err, errsz, "cannot write \"%s\": %s", g->path, strerror(errno));
        nw_crash_guard_close(g);
        return NULL;
    }
    the_guard = g;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    for (size_t i = 0; i < NFATAL; i++) {
        sigaction(fatal_signals[i], &sa, &previous[i]);
    }
    g->cpu_seconds = cpu_seconds;
    if (cpu_seconds > 0 && pthread_getcpuclockid(pthread_self(), &g->main_cpu) == 0 &&
        pthread_create(&g->thread, NULL, watchdog, g) == 0) {
        g->have_thread = 1;
    }
    return g;
}

void nw_crash_guard_close(nw_crash_guard *g)
{
    if (!g) {
        return;
    }
    if (g->have_thread) {
        atomic_store(&g->quit, 1);
        pthread_join(g->thread, NULL);
    }
    if (the_guard == g) {
        for (size_t i = 0; i < NFATAL; i++) {
            sigaction(fatal_signals[i], &previous[i], NULL);
        }
        the_guard = NULL;
    }
    if (g->fd >= 0) {
        close(g->fd); /* releases the lock */
    }
    free(g->buf);
    free(g->suspects.msgs);
    free(g);
}

int nw_crash_guard_isolating(nw_crash_guard *g)
{
    if (!g->suspects.n) {
        return 0;
    }
    double now = (double)time(NULL);
    if (g->isolate_until > 0 && now > g->isolate_until) {
        nw_log(NW_LOG_WARN, "suspects_abandoned",
               "detail=\"the previous marker's messages did not come back within 120 s (their "
               "partitions moved to another instance?)\"");
        g->suspects.n = 0;
        return 0;
    }
    if (!nw_suspects_pending(&g->suspects)) {
        g->suspects.n = 0;
        return 0;
    }
    return 1;
}

nw_verdict nw_crash_guard_judge(nw_crash_guard *g, int32_t partition, int64_t offset, nw_err *why)
{
    if (!g->suspects.n) {
        return NW_VERDICT_NONE;
    }
    if (g->isolate_until == 0) {
        g->isolate_until = (double)time(NULL) + 120;
    }
    return nw_suspects_judge(&g->suspects, partition, offset, why);
}

void nw_crash_guard_begin(nw_crash_guard *g, const nw_mark_msg *m, size_t n, int retry)
{
    size_t len = nw_mark_encode(g->buf, g->cap, NW_MARK_RUNNING, retry, g->scope, m, n);
    if (pwrite(g->fd, g->buf, len, 0) != (ssize_t)len) {
        nw_log(NW_LOG_WARN, "marker_write_failed", "path=%s error=%s", nw_logq(g->path),
               nw_logq(strerror(errno)));
    }
    if (g->have_thread) {
        atomic_store(&g->armed_at_ns, cpu_ns(g->main_cpu));
    }
    atomic_store(&g->armed, 1);
}

void nw_crash_guard_end(nw_crash_guard *g)
{
    atomic_store(&g->armed, 0);
    mark_state(g, NW_MARK_SETTLED);
}
