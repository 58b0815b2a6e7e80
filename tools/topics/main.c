/* main.c - nearwire-topics: creates nearwire's topics on a Kafka cluster from a topics file
 * (deploy/compose/topics.txt: "name partitions [config=value ...]" a line), with the admin
 * API. A topic that exists already is left as it is and reported, or with --grow given more
 * partitions when it has fewer than asked; any other error makes the exit status 1. --delete
 * removes named topics (tests recreate one under running stages). Used by
 * scripts/kafka.sh for the local real-Kafka broker; works on any cluster. */
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/version.h"
#include "io/config.h"
#include "io/kafka_conf.h"

#define MAX_TOPICS 64
#define MAX_CONFIGS 8

typedef struct topic_line {
    char name[NW_CFG_STR_MAX];
    int partitions;
    int nconfigs;
    char configs[MAX_CONFIGS][2][NW_CFG_STR_MAX];
} topic_line;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: nearwire-topics [options] TOPICS-FILE\n"
            "       nearwire-topics [options] --leaders\n"
            "       nearwire-topics [options] --delete TOPIC...\n"
            "Creates the topics of TOPICS-FILE (lines \"name partitions [config=value ...]\",\n"
            "# comments; deploy/compose/topics.txt) that do not exist yet. With --leaders, prints\n"
            "each broker as \"ID HOST:PORT PARTITIONS-IT-LEADS\", the busiest leader first.\n\n"
            "  -b, --bootstrap HOST:PORT  Kafka (default $NEARWIRE_KAFKA_BOOTSTRAP or\n"
            "                             127.0.0.1:9092)\n"
            "  -p, --partitions N         partitions of every topic instead of the file's\n"
            "  -r, --replication N        replication factor (default 1)\n"
            "  -g, --grow                 a topic with fewer partitions than asked gets more\n"
            "                             (Kafka never takes partitions away; a key's new\n"
            "                             partition holds only what comes after)\n"
            "  -l, --leaders              print the partition leaders per broker instead\n"
            "  -d, --delete               delete the TOPICs named (all their records; a topic\n"
            "                             already absent counts as deleted)\n"
            "  -X, --property KEY=VALUE   librdkafka property (repeatable)\n"
            "  -V, --version              print the version, exit\n"
            "  -h, --help                 this help\n"
            "exit status: 0 when every topic exists afterwards, 1 otherwise, 2 on usage errors\n");
}

/* Reads the topics file; the count, or -1 with the reason on stderr. */
static int read_topics(const char *path, topic_line *t, int max)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[1024];
    int n = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = '\0';
        }
        char *save = NULL, *name = strtok_r(line, " \t\r\n", &save);
        if (!name) {
            continue;
        }
        char *parts = strtok_r(NULL, " \t\r\n", &save);
        if (n == max || !parts || atoi(parts) < 1 || strlen(name) >= sizeof t->name) {
            fprintf(stderr, "nearwire-topics: %s:%d: want \"name partitions [config=value ...]\"\n",
                    path, lineno);
            fclose(f);
            return -1;
        }
        topic_line *tl = &t[n++];
        snprintf(tl->name, sizeof tl->name, "%s", name);
        tl->partitions = atoi(parts);
        tl->nconfigs = 0;
        for (char *kv; (kv = strtok_r(NULL, " \t\r\n", &save)) != NULL;) {
            char *eq = strchr(kv, '=');
            if (!eq || tl->nconfigs == MAX_CONFIGS) {
                fprintf(stderr, "nearwire-topics: %s:%d: \"%s\" is no config=value\n", path, lineno,
                        kv);
                fclose(f);
                return -1;
            }
            *eq = '\0';
            snprintf(tl->configs[tl->nconfigs][0], NW_CFG_STR_MAX, "%s", kv);
            snprintf(tl->configs[tl->nconfigs++][1], NW_CFG_STR_MAX, "%s", eq + 1);
        }
    }
    fclose(f);
    return n;
}

/* Waits for the answer to the admin request just sent on q; NULL (said on stderr) if none. */
static rd_kafka_event_t *answer(rd_kafka_queue_t *q)
{
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 60000);
    if (!ev || rd_kafka_event_error(ev)) {
        fprintf(stderr, "nearwire-topics: %s\n",
                ev ? rd_kafka_event_error_string(ev) : "no answer from the cluster in 60 s");
        if (ev) {
            rd_kafka_event_destroy(ev);
        }
        return NULL;
    }
    return ev;
}

/* Prints each topic's result ("done" on success, "same" for the error that means there was
 * nothing to do); returns how many failed. */
static int report(const rd_kafka_topic_result_t **res, size_t cnt, const char *done,
                  rd_kafka_resp_err_t nothing_to_do, const char *same)
{
    int failed = 0;
    for (size_t i = 0; i < cnt; i++) {
        rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
        const char *name = rd_kafka_topic_result_name(res[i]);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            printf("%s %s\n", done, name);
        } else if (e == nothing_to_do) {
            printf("%s %s\n", same, name);
        } else {
            fprintf(stderr, "nearwire-topics: %s: %s\n", name,
                    rd_kafka_topic_result_error_string(res[i]));
            failed++;
        }
    }
    return failed;
}

/* One admin request over n items: send puts it on the queue, results reads the answer's
 * per-topic results, reported as report() does. Returns how many failed. */
typedef void (*send_fn)(rd_kafka_t *rk, void *items, size_t n, const rd_kafka_AdminOptions_t *opt,
                        rd_kafka_queue_t *q);
typedef const rd_kafka_topic_result_t **(*results_fn)(rd_kafka_event_t *ev, size_t *cnt);

static int request(rd_kafka_t *rk, rd_kafka_admin_op_t op, send_fn send, void *items, size_t n,
                   results_fn results, const char *done, rd_kafka_resp_err_t nothing_to_do,
                   const char *same)
{
    char err[256];
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opt = rd_kafka_AdminOptions_new(rk, op);
    rd_kafka_AdminOptions_set_operation_timeout(opt, 30000, err, sizeof err);
    send(rk, items, n, opt, q);
    rd_kafka_event_t *ev = answer(q);
    int failed = (int)n;
    if (ev) {
        size_t cnt;
        const rd_kafka_topic_result_t **res = results(ev, &cnt);
        failed = report(res, cnt, done, nothing_to_do, same);
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(opt);
    rd_kafka_queue_destroy(q);
    return failed;
}

static void send_create(rd_kafka_t *rk, void *items, size_t n, const rd_kafka_AdminOptions_t *opt,
                        rd_kafka_queue_t *q)
{
    rd_kafka_CreateTopics(rk, items, n, opt, q);
}

static const rd_kafka_topic_result_t **create_results(rd_kafka_event_t *ev, size_t *cnt)
{
    return rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), cnt);
}

static void send_grow(rd_kafka_t *rk, void *items, size_t n, const rd_kafka_AdminOptions_t *opt,
                      rd_kafka_queue_t *q)
{
    rd_kafka_CreatePartitions(rk, items, n, opt, q);
}

static const rd_kafka_topic_result_t **grow_results(rd_kafka_event_t *ev, size_t *cnt)
{
    return rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev), cnt);
}

/* Creates the topics in one request; returns how many failed (an existing topic is fine). */
static int create(rd_kafka_t *rk, const topic_line *t, int n, int partitions, int replication)
{
    rd_kafka_NewTopic_t *nt[MAX_TOPICS];
    char err[256];
    for (int i = 0; i < n; i++) {
        nt[i] = rd_kafka_NewTopic_new(t[i].name, partitions > 0 ? partitions : t[i].partitions,
                                      replication, err, sizeof err);
        for (int k = 0; nt[i] && k < t[i].nconfigs; k++) {
            rd_kafka_NewTopic_set_config(nt[i], t[i].configs[k][0], t[i].configs[k][1]);
        }
        if (!nt[i]) {
            fprintf(stderr, "nearwire-topics: %s: %s\n", t[i].name, err);
            return n;
        }
    }
    int failed =
        request(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, send_create, nt, (size_t)n, create_results,
                "created", RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS, "exists ");
    rd_kafka_NewTopic_destroy_array(nt, (size_t)n);
    return failed;
}

/* Asks for each topic's partition count in one request (a topic that has that many or more
 * is left alone: "kept"); returns how many failed. */
static int grow(rd_kafka_t *rk, const topic_line *t, int n, int partitions)
{
    rd_kafka_NewPartitions_t *np[MAX_TOPICS];
    char err[256];
    for (int i = 0; i < n; i++) {
        np[i] = rd_kafka_NewPartitions_new(
            t[i].name, (size_t)(partitions > 0 ? partitions : t[i].partitions), err, sizeof err);
        if (!np[i]) {
            fprintf(stderr, "nearwire-topics: %s: %s\n", t[i].name, err);
            rd_kafka_NewPartitions_destroy_array(np, (size_t)i);
            return n;
        }
    }
    int failed = request(rk, RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, send_grow, np, (size_t)n,
                         grow_results, "grown  ", RD_KAFKA_RESP_ERR_INVALID_PARTITIONS, "kept   ");
    rd_kafka_NewPartitions_destroy_array(np, (size_t)n);
    return failed;
}

static void send_delete(rd_kafka_t *rk, void *items, size_t n, const rd_kafka_AdminOptions_t *opt,
                        rd_kafka_queue_t *q)
{
    rd_kafka_DeleteTopics(rk, items, n, opt, q);
}

static const rd_kafka_topic_result_t **delete_results(rd_kafka_event_t *ev, size_t *cnt)
{
    return rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), cnt);
}

/* Deletes the named topics in one request; returns how many failed (an absent one is fine). */
static int delete_topics(rd_kafka_t *rk, char **names, int n)
{
    rd_kafka_DeleteTopic_t *dt[MAX_TOPICS];
    if (n > MAX_TOPICS) {
        fprintf(stderr, "nearwire-topics: at most %d topics at once\n", MAX_TOPICS);
        return n;
    }
    for (int i = 0; i < n; i++) {
        dt[i] = rd_kafka_DeleteTopic_new(names[i]);
    }
    int failed =
        request(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, send_delete, dt, (size_t)n, delete_results,
                "deleted", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "absent ");
    rd_kafka_DeleteTopic_destroy_array(dt, (size_t)n);
    return failed;
}

/* Per broker, how many partitions (of every topic, internal ones too) it leads. */
static int leaders(rd_kafka_t *rk)
{
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, 10000);
    if (e) {
        fprintf(stderr, "nearwire-topics: metadata: %s\n", rd_kafka_err2str(e));
        return 1;
    }
    int *led = calloc((size_t)md->broker_cnt + 1, sizeof *led);
    if (!led) {
        rd_kafka_metadata_destroy(md);
        return 1;
    }
    for (int t = 0; t < md->topic_cnt; t++) {
        for (int p = 0; p < md->topics[t].partition_cnt; p++) {
            for (int b = 0; b < md->broker_cnt; b++) {
                led[b] += md->brokers[b].id == md->topics[t].partitions[p].leader;
            }
        }
    }
    for (int printed = 0; printed < md->broker_cnt; printed++) { /* busiest first */
        int best = -1;
        for (int b = 0; b < md->broker_cnt; b++) {
            if (led[b] >= 0 && (best < 0 || led[b] > led[best])) {
                best = b;
            }
        }
        printf("%d %s:%d %d\n", md->brokers[best].id, md->brokers[best].host,
               md->brokers[best].port, led[best]);
        led[best] = -1;
    }
    free(led);
    rd_kafka_metadata_destroy(md);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"bootstrap", required_argument, 0, 'b'},   {"partitions", required_argument, 0, 'p'},
        {"replication", required_argument, 0, 'r'}, {"grow", no_argument, 0, 'g'},
        {"property", required_argument, 0, 'X'},    {"help", no_argument, 0, 'h'},
        {"leaders", no_argument, 0, 'l'},           {"delete", no_argument, 0, 'd'},
        {"version", no_argument, 0, 'V'},           {0, 0, 0, 0}};
    static nw_config props;
    static topic_line topics[MAX_TOPICS];
    char err[512];
    double num;
    nw_config_init(&props, NULL, NULL, NULL, NULL, err, sizeof err);
    /* an admin client produces nothing: no producer id to ask the cluster for */
    nw_config_set(&props, "kafka.enable.idempotence", "false", "default", err, sizeof err);
    const char *bootstrap = getenv("NEARWIRE_KAFKA_BOOTSTRAP");
    int partitions = 0, replication = 1, growing = 0, show_leaders = 0, deleting = 0, ch;
    while ((ch = getopt_long(argc, argv, "b:p:r:gldX:hV", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            deleting = 1;
            break;
        case 'l':
            show_leaders = 1;
            break;
        case 'g':
            growing = 1;
            break;
        case 'b':
            bootstrap = optarg;
            break;
        case 'p':
        case 'r':
            if (nw_parse_number(optarg, 1, 100000, &num) != 0 || num != (int)num) {
                fprintf(stderr, "nearwire-topics: -%c wants a whole number >= 1, got \"%s\"\n", ch,
                        optarg);
                return 2;
            }
            *(ch == 'p' ? &partitions : &replication) = (int)num;
            break;
        case 'X':
            if (nw_config_set_kv(&props, "kafka.", optarg, "-X", err, sizeof err) != 0) {
                fprintf(stderr, "nearwire-topics: %s\n", err);
                return 2;
            }
            break;
        case 'V':
            printf("nearwire-topics %s\n", NW_VERSION);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (deleting ? optind == argc || show_leaders : optind != argc - !show_leaders) {
        usage(stderr);
        return 2;
    }
    if (show_leaders || deleting) {
        rd_kafka_t *rk = nw_kafka_tool_client(RD_KAFKA_PRODUCER, bootstrap, NULL, &props, NULL,
                                              NULL, err, sizeof err);
        if (!rk) {
            fprintf(stderr, "nearwire-topics: %s\n", err);
            return 2;
        }
        int rc = show_leaders                                      ? leaders(rk)
                 : delete_topics(rk, argv + optind, argc - optind) ? 1
                                                                   : 0;
        rd_kafka_destroy(rk);
        return rc;
    }
    int n = read_topics(argv[optind], topics, MAX_TOPICS);
    if (n < 0) {
        return 2;
    }
    rd_kafka_t *rk = nw_kafka_tool_client(RD_KAFKA_PRODUCER, bootstrap, NULL, &props, NULL, NULL,
                                          err, sizeof err);
    if (!rk) {
        fprintf(stderr, "nearwire-topics: %s\n", err);
        return 2;
    }
    int failed = n ? create(rk, topics, n, partitions, replication) : 0;
    if (n && growing && !failed) {
        failed = grow(rk, topics, n, partitions);
    }
    rd_kafka_destroy(rk);
    return failed ? 1 : 0;
}
