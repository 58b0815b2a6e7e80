/* main.c - nearwire-tail: prints a topic's messages as JSONL and exits after N messages, at
 * the end of every partition (--to-end) or after a timeout. Reads every partition directly (no
 * consumer group, nothing committed). A value that is a JSON object prints as is; anything else, or
 * every message with --envelope, prints as {topic, partition, offset, timestamp, key, headers,
 * value}. */
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/doc.h"
#include "core/utf8.h"
#include "core/version.h"
#include "io/config.h"
#include "io/kafka_conf.h"
#include "io/kafka_topics.h"
#include "io/metrics.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: nearwire-tail [options]\n"
            "Prints messages of a topic as JSONL, one per line.\n\n"
            "  -b, --bootstrap HOST:PORT  Kafka (default $NEARWIRE_KAFKA_BOOTSTRAP or\n"
            "                             127.0.0.1:9092)\n"
            "  -t, --topic TOPIC          topic (default news.enriched)\n"
            "  -c, -n, --count N          exit after N messages\n"
            "  -T, --timeout SECONDS      exit after this long (default 10; 0 = never)\n"
            "  -o beginning|end           where to start: the oldest message, or new ones\n"
            "                             (default end); --from-beginning = -o beginning\n"
            "  -e, --to-end               exit once every partition has been read to its end\n"
            "  -J, --envelope             print every message with its metadata and headers\n"
            "  -X, --property KEY=VALUE   librdkafka consumer property (repeatable)\n"
            "  -V, --version              print the version, exit\n"
            "  -h, --help                 this help\n"
            "The letters are kcat's where the meaning is the same (-b -t -c -o -e -J -X).\n"
            "exit status: 0 when --count messages arrived or --to-end reached every end (or\n"
            "neither was asked), 1 when the timeout came first, 2 on usage or connection errors\n"
            "or a topic that does not exist\n");
}

static void str_or_null(yajl_gen g, const char *key, const void *p, size_t n)
{
    if (p && nw_utf8_validate(p, n) == n) {
        nw_json_strn(g, key, p, n);
    } else {
        nw_json_str(g, key, NULL);
    }
}

static void print_envelope(yajl_gen g, const rd_kafka_message_t *m, yajl_val parsed)
{
    yajl_gen_map_open(g);
    nw_json_str(g, "topic", rd_kafka_topic_name(m->rkt));
    nw_json_int(g, "partition", m->partition);
    nw_json_int(g, "offset", m->offset);
    nw_json_int(g, "timestamp", rd_kafka_message_timestamp(m, NULL));
    str_or_null(g, "key", m->key, m->key_len);
    nw_json_key(g, "headers");
    yajl_gen_map_open(g);
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR && h) {
        const char *name;
        const void *val;
        size_t vlen;
        for (size_t i = 0; !rd_kafka_header_get_all(h, i, &name, &val, &vlen); i++) {
            str_or_null(g, name, val, vlen);
        }
    }
    yajl_gen_map_close(g);
    if (parsed) {
        nw_json_key(g, "value");
        nw_json_value(g, parsed);
    } else {
        str_or_null(g, "value", m->payload, m->len);
    }
    yajl_gen_map_close(g);
}

static void print_message(yajl_gen g, const rd_kafka_message_t *m, int envelope)
{
    nw_err err;
    yajl_val parsed = NULL;
    if (m->payload && m->len && nw_utf8_validate(m->payload, m->len) == m->len) {
        parsed = nw_json_parse(m->payload, m->len, &err);
    }
    if (parsed && YAJL_IS_OBJECT(parsed) && !envelope) {
        fwrite(m->payload, 1, m->len, stdout);
    } else {
        print_envelope(g, m, parsed);
        const unsigned char *buf;
        size_t len;
        yajl_gen_get_buf(g, &buf, &len);
        fwrite(buf, 1, len, stdout);
        yajl_gen_clear(g);
        yajl_gen_reset(g, NULL);
    }
    fputc('\n', stdout);
    fflush(stdout);
    if (parsed) {
        yajl_tree_free(parsed);
    }
}

/* Assigns every partition of the topic; returns how many, or -1 (said why). The topic is
 * looked up among all topics: asking for it by name could create it (a typo once printed
 * nothing and exited 0). */
static int assign_all(rd_kafka_t *rk, const char *topic, int from_beginning)
{
    const rd_kafka_metadata_t *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, 10000);
    if (e) {
        fprintf(stderr, "nearwire-tail: no metadata from the brokers: %s\n", rd_kafka_err2str(e));
        return -1;
    }
    const rd_kafka_metadata_topic_t *t = nw_kafka_topic_find(md, topic);
    if (!t) {
        fprintf(stderr, "nearwire-tail: topic %s does not exist; the cluster has:", topic);
        for (int i = 0; i < md->topic_cnt; i++) {
            fprintf(stderr, "%s %s", i ? "," : "", md->topics[i].topic);
        }
        fprintf(stderr, "\n");
        rd_kafka_metadata_destroy(md);
        return -1;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(16);
    int n = t->partition_cnt;
    for (int i = 0; i < n; i++) {
        rd_kafka_topic_partition_list_add(l, topic, t->partitions[i].id)->offset =
            from_beginning ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
    }
    rd_kafka_metadata_destroy(md);
    e = rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    return e ? -1 : n;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"bootstrap", required_argument, 0, 'b'}, {"topic", required_argument, 0, 't'},
        {"count", required_argument, 0, 'c'},     {"offset", required_argument, 0, 'o'},
        {"timeout", required_argument, 0, 'T'},   {"from-beginning", no_argument, 0, 'f'},
        {"envelope", no_argument, 0, 'J'},        {"to-end", no_argument, 0, 'e'},
        {"property", required_argument, 0, 'X'},  {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},         {0, 0, 0, 0}};
    static nw_config props;
    char err[512];
    double num;
    nw_config_init(&props, NULL, NULL, NULL, NULL, err, sizeof err);
    const char *bootstrap = getenv("NEARWIRE_KAFKA_BOOTSTRAP"), *topic = "news.enriched";
    long count = -1;
    double timeout = 10;
    int from_beginning = 0, envelope = 0, to_end = 0, ch;
    while ((ch = getopt_long(argc, argv, "b:t:c:n:o:T:eJX:hV", opts, NULL)) != -1) {
        switch (ch) {
        case 'b':
            bootstrap = optarg;
            break;
        case 't':
            topic = optarg;
            break;
        case 'c':
        case 'n':
            if (nw_parse_number(optarg, 0, 1e15, &num) != 0 || num != (long)num) {
                fprintf(stderr, "nearwire-tail: --count wants a whole number >= 0, got \"%s\"\n",
                        optarg);
                return 2;
            }
            count = (long)num;
            break;
        case 'T':
            if (nw_parse_number(optarg, 0, 1e9, &timeout) != 0) {
                fprintf(stderr, "nearwire-tail: --timeout wants seconds >= 0, got \"%s\"\n",
                        optarg);
                return 2;
            }
            break;
        case 'V':
            printf("nearwire-tail %s\n", NW_VERSION);
            return 0;
        case 'f': /* --from-beginning only: kcat's -f is a format */
            from_beginning = 1;
            break;
        case 'o':
            if (strcmp(optarg, "beginning") != 0 && strcmp(optarg, "end") != 0) {
                fprintf(stderr, "nearwire-tail: -o wants beginning or end, got \"%s\"\n", optarg);
                return 2;
            }
            from_beginning = strcmp(optarg, "beginning") == 0;
            break;
        case 'J':
            envelope = 1;
            break;
        case 'e':
            to_end = 1;
            break;
        case 'X':
            if (nw_config_set_kv(&props, "kafka.", optarg, "-X", err, sizeof err) != 0) {
                fprintf(stderr, "nearwire-tail: %s\n", err);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    char group[64];
    snprintf(group, sizeof group, "nearwire-tail-%d", (int)getpid());
    nw_config_set(&props, "kafka.enable.auto.commit", "false", "tail", err, sizeof err);
    nw_config_set(&props, "kafka.statistics.interval.ms", "0", "tail", err, sizeof err);
    nw_config_set(&props, "kafka.enable.partition.eof", to_end ? "true" : "false", "tail", err,
                  sizeof err);
    rd_kafka_t *rk = nw_kafka_tool_client(RD_KAFKA_CONSUMER, bootstrap, group, &props, NULL, NULL,
                                          err, sizeof err);
    if (!rk) {
        fprintf(stderr, "nearwire-tail: %s\n", err);
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    int rc = 2;
    int partitions = assign_all(rk, topic, from_beginning);
    unsigned char *at_end = partitions > 0 ? calloc((size_t)partitions, 1) : NULL;
    if (at_end) {
        yajl_gen g = nw_json_gen_new();
        double deadline = timeout > 0 ? nw_now_seconds() + timeout : 1e300;
        long seen = 0;
        int ends = 0; /* partitions read to their end, with nothing newer since */
        while (!stop && (count < 0 || seen < count) && !(to_end && ends == partitions) &&
               nw_now_seconds() < deadline) {
            rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
            if (!m) {
                continue;
            }
            int in_range = m->partition >= 0 && m->partition < partitions;
            if (!m->err) {
                print_message(g, m, envelope);
                seen++;
                if (in_range && at_end[m->partition]) {
                    at_end[m->partition] = 0;
                    ends--;
                }
            } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                if (in_range && !at_end[m->partition]) {
                    at_end[m->partition] = 1;
                    ends++;
                }
            } else {
                fprintf(stderr, "nearwire-tail: %s\n", rd_kafka_message_errstr(m));
            }
            rd_kafka_message_destroy(m);
        }
        rc = (count >= 0 && seen < count) || (to_end && ends < partitions) ? 1 : 0;
        yajl_gen_free(g);
        free(at_end);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return rc;
}
