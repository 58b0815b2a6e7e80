/* main.c - nearwire-ingest: produces input documents to news.raw from .txt files (first
 * non-empty line = title), .html/.htm files (the id of both: the path without its extension,
 * core/file_id.h) and .jsonl files or stdin (one input document per line, sent as is, keyed
 * by its id; a line with "text" but no "body" gets its text as body, so corpora such as
 * Reuters-21578 feed in directly). An id sent twice in one run is reported (the stages answer
 * the second as a replay of the first). Waits for every delivery; exits 1 if any failed. */
#include <dirent.h>
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "core/buf.h"
#include "core/doc.h"
#include "core/file_id.h"
#include "core/seen_set.h"
#include "core/version.h"
#include "io/config.h"
#include "io/kafka_conf.h"
#include "io/metrics.h"

typedef struct ingest {
    rd_kafka_t *rk;
    const char *topic;
    long sent, failed, skipped, repeated;
    double rate, start; /* documents per second (0 = as fast as possible), and when we began */
    yajl_gen gen;
    rd_kafka_headers_t *headers; /* --header: copied onto every message (NULL: none) */
    nw_seen_set ids;             /* hashes of the ids sent so far */
    const char *where;           /* the file being sent, for messages */
    long line;                   /* its line (JSONL), or 0 */
} ingest;

#define REPEATS_SHOWN 10

/* Reports an id sent earlier in this run: the first few by name, then only the count. */
static void note_repeat(ingest *in, const char *key, size_t klen)
{
    int was = nw_seen_set_add(&in->ids, XXH3_64bits(key, klen));
    if (was != 1) {
        return;
    }
    if (in->repeated++ < REPEATS_SHOWN) {
        char line[32] = "";
        if (in->line) {
            snprintf(line, sizeof line, ":%ld", in->line);
        }
        fprintf(stderr,
                "nearwire-ingest: %s%s: id \"%.*s\" was sent before in this run; the stages "
                "answer it as a replay of the first%s\n",
                in->where, line, (int)(klen > 256 ? 256 : klen), key,
                in->repeated == REPEATS_SHOWN ? " (further repeats are only counted)" : "");
    }
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    ingest *in = opaque;
    if (m->err) {
        in->failed++;
        fprintf(stderr, "nearwire-ingest: delivery failed: %s\n", rd_kafka_err2str(m->err));
    }
}

/* With --rate, sleeps until this document's turn (start + sent / rate). */
static void pace(ingest *in)
{
    if (in->rate <= 0) {
        return;
    }
    double due = in->start + (double)in->sent / in->rate, now = nw_now_seconds();
    while (now < due) {
        rd_kafka_poll(in->rk, (int)((due - now) * 1000) + 1);
        now = nw_now_seconds();
    }
}

static int produce(ingest *in, const char *key, size_t klen, const char *val, size_t vlen)
{
    pace(in);
    if (key) {
        note_repeat(in, key, klen);
    }
    for (;;) {
        /* producev owns the headers once it succeeds */
        rd_kafka_headers_t *h = in->headers ? rd_kafka_headers_copy(in->headers) : NULL;
        rd_kafka_resp_err_t e =
            h ? rd_kafka_producev(
                    in->rk, RD_KAFKA_V_TOPIC(in->topic), RD_KAFKA_V_KEY((void *)key, klen),
                    RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END)
              : rd_kafka_producev(in->rk, RD_KAFKA_V_TOPIC(in->topic),
                                  RD_KAFKA_V_KEY((void *)key, klen),
                                  RD_KAFKA_V_VALUE((void *)val, vlen),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (e && h) {
            rd_kafka_headers_destroy(h);
        }
        if (!e) {
            in->sent++;
            return 0;
        }
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            fprintf(stderr, "nearwire-ingest: produce: %s\n", rd_kafka_err2str(e));
            in->failed++;
            return -1;
        }
        rd_kafka_poll(in->rk, 100);
    }
}

static int read_file(const char *path, nw_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    char chunk[65536];
    size_t n;
    nw_buf_reset(b);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        nw_buf_append(b, chunk, n);
    }
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

static int send_page(ingest *in, const char *path, int html)
{
    nw_buf body;
    nw_buf_init(&body);
    if (read_file(path, &body) != 0) {
        in->failed++;
        nw_buf_release(&body);
        return -1;
    }
    char id[NW_FILE_ID_MAX + 1];
    nw_file_id(path, id, sizeof id);
    in->where = path;
    in->line = 0;
    yajl_gen g = in->gen;
    yajl_gen_map_open(g);
    nw_json_str(g, "id", id);
    nw_json_str(g, "content_type", html ? "text/html" : "text/plain");
    if (!html) {
        const char *p = body.data ? body.data : "";
        p += strspn(p, " \t\r\n");
        size_t tl = strcspn(p, "\r\n");
        nw_json_strn(g, "title", p, tl);
    }
    nw_json_strn(g, "body", body.data ? body.data : "", body.len);
    yajl_gen_map_close(g);
    const unsigned char *v;
    size_t vlen;
    int rc = -1;
    if (yajl_gen_get_buf(g, &v, &vlen) == yajl_gen_status_ok) {
        rc = produce(in, id, strlen(id), (const char *)v, vlen);
    } else {
        fprintf(stderr, "nearwire-ingest: %s: not valid UTF-8, skipped\n", path);
        in->skipped++;
    }
    yajl_gen_clear(g);
    yajl_gen_reset(g, NULL);
    nw_buf_release(&body);
    return rc;
}

/* Sends one JSONL line. A line that does not parse is still sent (unkeyed): rejecting bad
 * input with a reason is the pipeline's job (dead-letter topic), not the feeder's. */
static void send_line(ingest *in, const char *line, size_t len)
{
    nw_doc doc;
    nw_err err;
    if (nw_doc_parse(&doc, line, len, (size_t)-1, &err) != 0) {
        produce(in, NULL, 0, line, len);
        return;
    }
    if (nw_doc_get(&doc, "body") || !nw_doc_str(&doc, "text")) {
        produce(in, doc.id, strlen(doc.id), line, len);
    } else {
        static const char *const skip[] = {"text", NULL};
        yajl_gen g = in->gen;
        yajl_gen_map_open(g);
        nw_json_copy_fields(g, doc.root, skip);
        nw_json_str(g, "body", nw_doc_str(&doc, "text"));
        yajl_gen_map_close(g);
        const unsigned char *v;
        size_t vlen;
        yajl_gen_get_buf(g, &v, &vlen);
        produce(in, doc.id, strlen(doc.id), (const char *)v, vlen);
        yajl_gen_clear(g);
        yajl_gen_reset(g, NULL);
    }
    nw_doc_release(&doc);
}

static int send_jsonl(ingest *in, FILE *f, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    in->where = name;
    in->line = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        in->line++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            n--;
        }
        if (n > 0) {
            send_line(in, line, (size_t)n);
        }
        rd_kafka_poll(in->rk, 0);
    }
    free(line);
    return 0;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static int send_path(ingest *in, const char *path);

static int send_dir(ingest *in, const char *path)
{
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        perror(path);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        if (nm[0] != '.' && (has_suffix(nm, ".txt") || has_suffix(nm, ".html") ||
                             has_suffix(nm, ".htm") || has_suffix(nm, ".jsonl"))) {
            char full[4096];
            snprintf(full, sizeof full, "%s/%s", path, nm);
            send_path(in, full);
        }
        free(names[i]);
    }
    free(names);
    return 0;
}

static int send_path(ingest *in, const char *path)
{
    if (strcmp(path, "-") == 0) {
        return send_jsonl(in, stdin, "stdin");
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        in->failed++;
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        return send_dir(in, path);
    }
    if (has_suffix(path, ".jsonl")) {
        FILE *f = fopen(path, "r");
        if (!f) {
            perror(path);
            in->failed++;
            return -1;
        }
        send_jsonl(in, f, path);
        fclose(f);
        return 0;
    }
    if (has_suffix(path, ".html") || has_suffix(path, ".htm")) {
        return send_page(in, path, 1);
    }
    if (has_suffix(path, ".txt")) {
        return send_page(in, path, 0);
    }
    fprintf(stderr, "nearwire-ingest: %s: not .txt, .html, .htm or .jsonl, skipped\n", path);
    in->skipped++;
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: nearwire-ingest [options] FILE|DIR|- ...\n"
            "Produces input documents to Kafka: .txt (first non-empty line = title), .html/.htm\n"
            "(the id of both: the path as given, without the extension: siteA/index.html ->\n"
            "siteA/index), .jsonl (one document per line, keyed by its id); a directory sends\n"
            "its files of those kinds in name order; - reads JSONL from stdin. An id sent twice\n"
            "in one run is reported (the stages answer the second as a replay).\n\n"
            "  -b, --bootstrap HOST:PORT  Kafka (default $NEARWIRE_KAFKA_BOOTSTRAP or\n"
            "                             127.0.0.1:9092)\n"
            "  -t, --topic TOPIC          topic (default news.raw)\n"
            "  -r, --rate N               send at most N documents a second (default: no limit)\n"
            "  -X, --property KEY=VALUE   librdkafka producer property (repeatable)\n"
            "  -H, --header NAME=VALUE    a header on every message (repeatable)\n"
            "  -q, --quiet                no summary line\n"
            "  -V, --version              print the version, exit\n"
            "  -h, --help                 this help\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"bootstrap", required_argument, 0, 'b'},
                                         {"topic", required_argument, 0, 't'},
                                         {"property", required_argument, 0, 'X'},
                                         {"rate", required_argument, 0, 'r'},
                                         {"header", required_argument, 0, 'H'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {"version", no_argument, 0, 'V'},
                                         {0, 0, 0, 0}};
    static nw_config props;
    char err[512];
    nw_config_init(&props, NULL, NULL, NULL, NULL, err, sizeof err);
    /* fail within a minute when the broker is unreachable, not librdkafka's five */
    nw_config_set(&props, "kafka.message.timeout.ms", "60000", "default", err, sizeof err);
    /* documents up to the stages' 4 MiB input limit and beyond (they dead-letter oversize
     * ones as such), not librdkafka's 1 MB */
    nw_config_set(&props, "kafka.message.max.bytes", "16777216", "default", err, sizeof err);
    const char *bootstrap = getenv("NEARWIRE_KAFKA_BOOTSTRAP");
    ingest in = {.topic = "news.raw"};
    int quiet = 0, ch;
    while ((ch = getopt_long(argc, argv, "b:t:X:r:H:qhV", opts, NULL)) != -1) {
        switch (ch) {
        case 'b':
            bootstrap = optarg;
            break;
        case 't':
            in.topic = optarg;
            break;
        case 'X':
            if (nw_config_set_kv(&props, "kafka.", optarg, "-X", err, sizeof err) != 0) {
                fprintf(stderr, "nearwire-ingest: %s\n", err);
                return 2;
            }
            break;
        case 'r':
            if (nw_parse_number(optarg, 0, 1e9, &in.rate) != 0) {
                fprintf(stderr,
                        "nearwire-ingest: --rate wants documents a second >= 0, got \"%s\"\n",
                        optarg);
                return 2;
            }
            break;
        case 'V':
            printf("nearwire-ingest %s\n", NW_VERSION);
            return 0;
        case 'H': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                fprintf(stderr, "nearwire-ingest: --header wants NAME=VALUE, got \"%s\"\n", optarg);
                return 2;
            }
            if (!in.headers) {
                in.headers = rd_kafka_headers_new(4);
            }
            rd_kafka_header_add(in.headers, optarg, eq - optarg, eq + 1, -1);
            break;
        }
        case 'q':
            quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind == argc) {
        usage(stderr);
        return 2;
    }
    in.rk = nw_kafka_tool_client(RD_KAFKA_PRODUCER, bootstrap, NULL, &props, on_delivery, &in, err,
                                 sizeof err);
    if (!in.rk) {
        fprintf(stderr, "nearwire-ingest: %s\n", err);
        return 2;
    }
    in.gen = nw_json_gen_new();
    in.start = nw_now_seconds();
    for (int i = optind; i < argc; i++) {
        send_path(&in, argv[i]);
    }
    while (rd_kafka_outq_len(in.rk) > 0) {
        rd_kafka_flush(in.rk, 1000);
    }
    if (!quiet) {
        fprintf(stderr,
                "nearwire-ingest: topic=%s sent=%ld failed=%ld skipped=%ld repeated_ids=%ld\n",
                in.topic, in.sent - in.failed, in.failed, in.skipped, in.repeated);
    }
    yajl_gen_free(in.gen);
    nw_seen_set_release(&in.ids);
    rd_kafka_destroy(in.rk);
    if (in.headers) {
        rd_kafka_headers_destroy(in.headers);
    }
    return in.failed ? 1 : 0;
}
