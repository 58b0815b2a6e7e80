/* main.c - nearwire-query: the questions nearwire-api answers, from a shell. Each command is
 * one request to the API; the answer prints as a table, or with --json as the API gave it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/doc.h"
#include "core/version.h"
#include "http_get.h"
#include "render.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: nearwire-query [options] COMMAND [ARGS]\n"
            "Asks nearwire-api what the pipeline decided.\n\n"
            "commands:\n"
            "  article ID             the article's decision: story, relation, dup_of, matches\n"
            "  story ID               a story: sources, first and last, its members in\n"
            "                         publication order (--offset, --limit page through them)\n"
            "  stories                the most recently active stories (--since, --limit)\n"
            "  match FILE|-           what a text in the window copies or shares a story with,\n"
            "                         without adding it (--html: the file is a page; --article:\n"
            "                         an article as JSON, with body or text)\n"
            "  explain ID ID          the passages two articles share, with their scores\n\n"
            "options:\n"
            "  -a, --api URL          the API (default $NEARWIRE_API, else\n"
            "                         http://127.0.0.1:8090)\n"
            "  -j, --json             print the API's JSON answer as it is\n"
            "      --since WHEN       stories: RFC 3339, epoch milliseconds or an age (6h, 2d)\n"
            "      --offset N, --limit N  page through a story's members or the stories\n"
            "      --html, --article  match: what the file holds (default plain text)\n"
            "  -T, --timeout SECONDS  per request (default 30)\n"
            "  -V, --version          print the version, exit\n"
            "  -h, --help             this help\n"
            "exit status: 0 answered, 1 the API answered an error (not found, bad input),\n"
            "2 usage error or no answer from the API\n");
}

typedef struct opts {
    const char *api, *since, *offset, *limit, *type;
    int json, timeout;
} opts;

static int read_input(const char *path, nw_buf *out)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "nearwire-query: cannot read %s\n", path);
        return -1;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        nw_buf_append(out, chunk, n);
    }
    if (f != stdin) {
        fclose(f);
    }
    return 0;
}

/* "?k=v&k2=v2" of the options given (NULL values skipped). */
static void add_arg(nw_buf *path, const char *key, const char *value)
{
    if (!value) {
        return;
    }
    nw_buf_printf(path, "%c%s=", strchr(path->data, '?') ? '&' : '?', key);
    http_escape(path, value);
}

/* The request a command makes: its path (and body for match); -1 on a usage error. */
static int build(const opts *o, int argc, char **argv, nw_buf *path, nw_buf *body)
{
    const char *cmd = argv[0];
    int want = !strcmp(cmd, "stories") ? 1 : !strcmp(cmd, "explain") ? 3 : 2;
    if (argc != want) {
        fprintf(stderr, "nearwire-query: %s takes %d argument%s (try --help)\n", cmd, want - 1,
                want == 2 ? "" : "s");
        return -1;
    }
    if (!strcmp(cmd, "article") || !strcmp(cmd, "story")) {
        nw_buf_puts(path, !strcmp(cmd, "article") ? "/v1/articles/" : "/v1/stories/");
        http_escape(path, argv[1]);
        if (!strcmp(cmd, "story")) {
            add_arg(path, "offset", o->offset);
            add_arg(path, "limit", o->limit);
        }
    } else if (!strcmp(cmd, "stories")) {
        nw_buf_puts(path, "/v1/stories");
        add_arg(path, "since", o->since);
        add_arg(path, "limit", o->limit);
    } else if (!strcmp(cmd, "explain")) {
        nw_buf_puts(path, "/v1/explain");
        add_arg(path, "a", argv[1]);
        add_arg(path, "b", argv[2]);
    } else if (!strcmp(cmd, "match")) {
        nw_buf_puts(path, "/v1/match");
        return read_input(argv[1], body);
    } else {
        fprintf(stderr, "nearwire-query: unknown command \"%s\" (try --help)\n", cmd);
        return -1;
    }
    return 0;
}

static void render(const char *cmd, yajl_val v)
{
    if (!strcmp(cmd, "article")) {
        render_article(stdout, v);
    } else if (!strcmp(cmd, "story")) {
        render_story(stdout, v);
    } else if (!strcmp(cmd, "stories")) {
        render_stories(stdout, v);
    } else if (!strcmp(cmd, "match")) {
        render_match(stdout, v);
    } else {
        render_explain(stdout, v);
    }
}

/* Sends the request and prints the answer; the exit status. */
static int ask(const opts *o, const char *cmd, const nw_buf *path, const nw_buf *body)
{
    http_answer a;
    char err[512];
    int post = !strcmp(cmd, "match");
    if (http_request(o->api, post ? "POST" : "GET", path->data, o->type,
                     post ? (body->data ? body->data : "") : NULL, body->len, o->timeout, &a, err,
                     sizeof err) != 0) {
        fprintf(stderr, "nearwire-query: %s (is nearwire-api running? --api, $NEARWIRE_API)\n",
                err);
        return 2;
    }
    nw_err perr;
    yajl_val v = a.body.len ? nw_json_parse(a.body.data, a.body.len, &perr) : NULL;
    int rc = a.status == 200 ? 0 : 1;
    if (o->json || (!v && a.status == 200)) {
        fwrite(a.body.data ? a.body.data : "", 1, a.body.len, stdout);
    } else if (a.status != 200) {
        const char *pe[] = {"error", NULL}, *pd[] = {"detail", NULL};
        yajl_val e = v ? yajl_tree_get(v, pe, yajl_t_string) : NULL;
        yajl_val d = v ? yajl_tree_get(v, pd, yajl_t_string) : NULL;
        fprintf(stderr, "nearwire-query: HTTP %d %s: %s\n", a.status, e ? e->u.string : "error",
                d ? d->u.string : (a.body.data ? a.body.data : ""));
    } else {
        render(cmd, v);
    }
    if (v) {
        yajl_tree_free(v);
    }
    nw_buf_release(&a.body);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {{"api", required_argument, 0, 'a'},
                                          {"json", no_argument, 0, 'j'},
                                          {"since", required_argument, 0, 'S'},
                                          {"offset", required_argument, 0, 'O'},
                                          {"limit", required_argument, 0, 'L'},
                                          {"html", no_argument, 0, 'H'},
                                          {"article", no_argument, 0, 'A'},
                                          {"timeout", required_argument, 0, 'T'},
                                          {"version", no_argument, 0, 'V'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    const char *env = getenv("NEARWIRE_API");
    opts o = {env && *env ? env : "http://127.0.0.1:8090", NULL, NULL, NULL, "text/plain", 0, 30};
    int ch;
    while ((ch = getopt_long(argc, argv, "a:jT:Vh", longs, NULL)) != -1) {
        switch (ch) {
        case 'a':
            o.api = optarg;
            break;
        case 'j':
            o.json = 1;
            break;
        case 'S':
            o.since = optarg;
            break;
        case 'O':
            o.offset = optarg;
            break;
        case 'L':
            o.limit = optarg;
            break;
        case 'H':
            o.type = "text/html";
            break;
        case 'A':
            o.type = "application/json";
            break;
        case 'T':
            o.timeout = atoi(optarg) > 0 ? atoi(optarg) : 30;
            break;
        case 'V':
            printf("nearwire-query %s\n", NW_VERSION);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            fprintf(stderr, "try 'nearwire-query --help'\n");
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    nw_buf path, body;
    nw_buf_init(&path);
    nw_buf_init(&body);
    int rc = build(&o, argc - optind, argv + optind, &path, &body) == 0
                 ? ask(&o, argv[optind], &path, &body)
                 : 2;
    nw_buf_release(&path);
    nw_buf_release(&body);
    return rc;
}
