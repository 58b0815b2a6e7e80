/* control.c - the broker's fault-injection commands (see control.h). */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/log.h"

/* Kafka API keys and the retriable error each is failed with by default: clients must retry
 * these. */
static const struct {
    const char *name;
    int16_t api_key;
    rd_kafka_resp_err_t error;
} fault_apis[] = {
    {"produce", 0, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS},
    {"fetch", 1, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION},
    {"commit", 8, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT},
    {"add-partitions-to-txn", 24, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS},
    {"end-txn", 26, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS},
    {"txn-offset-commit", 28, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS},
};

/* A broker error by its name as rd_kafka_err2name spells it (e.g. NOT_COORDINATOR) into
 * *out: 0, or -1 when no broker error has that name (the client's own, "_" names, are not). */
static int error_by_name(const char *name, rd_kafka_resp_err_t *out)
{
    const struct rd_kafka_err_desc *descs;
    size_t n;
    rd_kafka_get_err_descs(&descs, &n);
    for (size_t i = 0; i < n; i++) {
        if (descs[i].name && descs[i].code > 0 && strcmp(descs[i].name, name) == 0) {
            *out = descs[i].code;
            return 0;
        }
    }
    return -1;
}

static int parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

/* words[k] as a broker id, or -1 (all brokers) when absent */
static int broker_arg(char **words, int n, int k, int32_t *id)
{
    long v = -1;
    if (k < n && parse_int(words[k], 0, 1023, &v) != 0) {
        return -1;
    }
    *id = (int32_t)v;
    return 0;
}

static int push_errors(rd_kafka_mock_cluster_t *mc, const char *api, const char *count,
                       const char *error, char *err, size_t errsz)
{
    long n;
    if (parse_int(count, 1, 100000, &n) != 0) {
        snprintf(err, errsz, "errors: count must be 1..100000, got '%s'", count);
        return -1;
    }
    rd_kafka_resp_err_t chosen = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (error && error_by_name(error, &chosen) != 0) {
        snprintf(err, errsz,
                 "errors: unknown broker error '%s' (a name as librdkafka spells it, "
                 "e.g. NOT_COORDINATOR)",
                 error);
        return -1;
    }
    for (size_t i = 0; i < sizeof fault_apis / sizeof fault_apis[0]; i++) {
        if (strcmp(api, fault_apis[i].name) == 0) {
            rd_kafka_resp_err_t *errs = malloc((size_t)n * sizeof *errs);
            if (!errs) {
                snprintf(err, errsz, "out of memory");
                return -1;
            }
            for (long k = 0; k < n; k++) {
                errs[k] = chosen ? chosen : fault_apis[i].error;
            }
            rd_kafka_mock_push_request_errors_array(mc, fault_apis[i].api_key, (size_t)n, errs);
            free(errs);
            return 0;
        }
    }
    snprintf(err, errsz,
             "errors: unknown API '%s' (produce, fetch, commit, add-partitions-to-txn, end-txn, "
             "txn-offset-commit)",
             api);
    return -1;
}

int nw_broker_command(rd_kafka_mock_cluster_t *mc, const char *line, char *err, size_t errsz)
{
    char copy[256], *words[4], *save = NULL;
    int n = 0;
    snprintf(copy, sizeof copy, "%s", line);
    for (char *w = strtok_r(copy, " \t\r\n", &save); w && n < 4;
         w = strtok_r(NULL, " \t\r\n", &save)) {
        words[n++] = w;
    }
    if (n == 0) {
        snprintf(err, errsz, "empty command");
        return -1;
    }
    int32_t id;
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    long ms;
    if (strcmp(words[0], "down") == 0 && n <= 2 && broker_arg(words, n, 1, &id) == 0) {
        e = rd_kafka_mock_broker_set_down(mc, id);
    } else if (strcmp(words[0], "up") == 0 && n <= 2 && broker_arg(words, n, 1, &id) == 0) {
        e = rd_kafka_mock_broker_set_up(mc, id);
    } else if (strcmp(words[0], "rtt") == 0 && n >= 2 && n <= 3 &&
               parse_int(words[1], 0, 600000, &ms) == 0 && broker_arg(words, n, 2, &id) == 0) {
        e = rd_kafka_mock_broker_set_rtt(mc, id, (int)ms);
    } else if (strcmp(words[0], "errors") == 0 && (n == 3 || n == 4)) {
        return push_errors(mc, words[1], words[2], n == 4 ? words[3] : NULL, err, errsz);
    } else {
        snprintf(err, errsz,
                 "unknown command '%s' (down [ID], up [ID], rtt MS [ID], errors API N [ERROR])",
                 line);
        return -1;
    }
    if (e) {
        snprintf(err, errsz, "%s", rd_kafka_err2str(e));
        return -1;
    }
    return 0;
}

int nw_broker_control_open(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISFIFO(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    if (lstat(path, &st) != 0 && mkfifo(path, 0600) != 0) {
        return -1;
    }
    /* read-write: the pipe never reports end-of-file between writers */
    return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

void nw_broker_control_read(rd_kafka_mock_cluster_t *mc, int fd, char *buf, size_t bufsz,
                            size_t *used)
{
    for (;;) {
        ssize_t got = read(fd, buf + *used, bufsz - 1 - *used);
        if (got <= 0) {
            return;
        }
        *used += (size_t)got;
        buf[*used] = '\0';
        char *line = buf, *nl;
        while ((nl = strchr(line, '\n'))) {
            *nl = '\0';
            char err[256];
            if (nw_broker_command(mc, line, err, sizeof err) == 0) {
                nw_log(NW_LOG_INFO, "fault_command", "command=%s", nw_logq(line));
            } else {
                nw_log(NW_LOG_WARN, "fault_command_rejected", "command=%s detail=%s", nw_logq(line),
                       nw_logq(err));
            }
            line = nl + 1;
        }
        *used = strlen(line);
        memmove(buf, line, *used);
        if (*used == bufsz - 1) { /* a line longer than the buffer: drop it */
            *used = 0;
        }
    }
}
