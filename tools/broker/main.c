/* main.c - nearwire-broker: a development Kafka broker, librdkafka's in-memory mock cluster
 * (real Kafka protocol on loopback) with nearwire's topics created at start. It keeps
 * nothing across restarts and keeps at most 5 MiB or 100,000 message sets per partition
 * (librdkafka 2.0.2); production uses real Kafka. Runs until SIGTERM/SIGINT. With --control,
 * fault-injection commands arrive on a named pipe (control.h). */
#include <errno.h>
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "core/version.h"
#include "io/log.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static const char *const default_topics =
    "news.raw,news.clean,news.fingerprinted,news.clustered,news.enriched,news.stories,news.dlq";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: nearwire-broker [options]\n"
            "Runs an in-memory development Kafka broker (librdkafka mock cluster) on loopback\n"
            "and creates nearwire's topics. Data lives in memory only and is lost on exit.\n\n"
            "  -p, --partitions N        partitions per topic (default 16)\n"
            "  -n, --brokers N           brokers in the mock cluster (default 1)\n"
            "  -t, --topics LIST         comma-separated topics (default: the pipeline's)\n"
            "  -w, --write-bootstrap F   also write the bootstrap address to file F\n"
            "  -c, --control FIFO        read fault commands from the named pipe FIFO, one a\n"
            "                            line: down [ID] | up [ID] | rtt MS [ID] |\n"
            "                            errors produce|fetch|commit N\n"
            "                            (e.g. echo down > FIFO; ID defaults to all brokers)\n"
            "  -V, --version             print the version\n"
            "  -h, --help                this help\n");
}

static int create_topics(rd_kafka_mock_cluster_t *mc, const char *list, int partitions)
{
    char *copy = strdup(list), *save = NULL;
    int rc = 0;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, t, partitions, 1);
        if (e) {
            fprintf(stderr, "nearwire-broker: cannot create topic %s: %s\n", t,
                    rd_kafka_err2str(e));
            rc = 1;
        }
    }
    free(copy);
    return rc;
}

static int write_file(const char *path, const char *text)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"partitions", required_argument, 0, 'p'},
                                         {"brokers", required_argument, 0, 'n'},
                                         {"topics", required_argument, 0, 't'},
                                         {"write-bootstrap", required_argument, 0, 'w'},
                                         {"control", required_argument, 0, 'c'},
                                         {"version", no_argument, 0, 'V'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int partitions = 16, brokers = 1, ch;
    const char *topics = default_topics, *out_file = NULL, *control = NULL;
    while ((ch = getopt_long(argc, argv, "p:n:t:w:c:Vh", opts, NULL)) != -1) {
        switch (ch) {
        case 'p':
            partitions = atoi(optarg);
            break;
        case 'n':
            brokers = atoi(optarg);
            break;
        case 't':
            topics = optarg;
            break;
        case 'w':
            out_file = optarg;
            break;
        case 'c':
            control = optarg;
            break;
        case 'V':
            printf("nearwire-broker %s (librdkafka %s)\n", NW_VERSION, rd_kafka_version_str());
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (partitions < 1 || partitions > 1024 || brokers < 1 || brokers > 16) {
        fprintf(stderr, "nearwire-broker: --partitions must be 1..1024, --brokers 1..16\n");
        return 2;
    }
    nw_log_set_stage("broker");
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "4", err, sizeof err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        fprintf(stderr, "nearwire-broker: %s\n", err);
        return 1;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
    if (!mc) {
        fprintf(stderr, "nearwire-broker: cannot start the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    int rc = create_topics(mc, topics, partitions);
    int control_fd = -1;
    if (rc == 0 && control && (control_fd = nw_broker_control_open(control)) < 0) {
        fprintf(stderr, "nearwire-broker: cannot open the control pipe %s: %s\n", control,
                strerror(errno));
        rc = 1;
    }
    const char *bootstrap = rd_kafka_mock_cluster_bootstraps(mc);
    if (rc == 0 && out_file) {
        rc = write_file(out_file, bootstrap);
    }
    if (rc == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        printf("%s\n", bootstrap);
        fflush(stdout);
        nw_log(NW_LOG_INFO, "started",
               "bootstrap=%s partitions=%d brokers=%d note=\"in-memory development broker; "
               "data is lost on exit\"",
               bootstrap, partitions, brokers);
        char pending[1024];
        size_t used = 0;
        while (!stop) {
            struct pollfd pfd = {.fd = control_fd, .events = POLLIN};
            if (poll(&pfd, 1, 200) > 0) {
                nw_broker_control_read(mc, control_fd, pending, sizeof pending, &used);
            }
        }
        nw_log(NW_LOG_INFO, "stopped", "%s", "");
    }
    if (control_fd >= 0) {
        close(control_fd);
        unlink(control);
    }
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return rc;
}
