/* test_config.c - the declarative config loader: defaults, file, env, --set precedence,
 * strict parsing, unknown keys with file:line, kafka.* pass-through, env mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/nw_error.h"
#include "core/redis_keys.h"
#include "core/redis_slot.h"
#include "core/redis_url.h"
#include "core/secrets.h"
#include "io/config.h"

typedef struct cfg {
    char name[NW_CFG_STR_MAX];
    long long count;
    double ratio;
    int on;
} cfg;

static const nw_cfg_key keys[] = {
    {"a.name", NW_CFG_STR, "dflt", offsetof(cfg, name), "a name", 0, 0, 0},
    {"a.count", NW_CFG_INT, "3", offsetof(cfg, count), "a count", 0, 1, 100},
    {"a.ratio", NW_CFG_DBL, "0.5", offsetof(cfg, ratio), "a ratio", 0, 0, 1},
    {"kafka.bootstrap", NW_CFG_BOOL, "false", offsetof(cfg, on), "declared under kafka.", 0, 0, 0},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};

static nw_config c;
static cfg v;
static char err[512];

static int setup(void **state)
{
    (void)state;
    memset(&v, 0, sizeof v);
    return nw_config_init(&c, keys, &v, NULL, NULL, err, sizeof err);
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/nw-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_defaults(void **state)
{
    (void)state;
    assert_string_equal(v.name, "dflt");
    assert_int_equal(v.count, 3);
    assert_true(v.ratio == 0.5);
    assert_int_equal(v.on, 0);
}

static void test_file_env_set_precedence(void **state)
{
    (void)state;
    char *path = write_tmp("# comment\n\n a.name = from file \na.count=7\nkafka.linger.ms = 9\n");
    assert_int_equal(nw_config_load_file(&c, path, err, sizeof err), NW_OK);
    assert_string_equal(v.name, "from file");
    assert_int_equal(v.count, 7);
    char *env[] = {"NEARWIRE_A_COUNT=11", "NEARWIRE_KAFKA_BOOTSTRAP=true",
                   "NEARWIRE_KAFKA_SOCKET_TIMEOUT_MS=1234", "OTHER=1", NULL};
    assert_int_equal(nw_config_load_env(&c, env, err, sizeof err), NW_OK);
    assert_int_equal(v.count, 11);
    assert_int_equal(v.on, 1); /* a declared key wins over pass-through */
    assert_int_equal(nw_config_set(&c, "a.count", "13", "--set", err, sizeof err), NW_OK);
    assert_int_equal(v.count, 13);
    assert_int_equal(c.nkafka, 2);
    assert_string_equal(c.kafka[0].name, "linger.ms");
    assert_string_equal(c.kafka[0].value, "9");
    assert_string_equal(c.kafka[1].name, "socket.timeout.ms");
    assert_string_equal(c.kafka[1].value, "1234");
    unlink(path);
}

static void test_unknown_key_names_file_and_line(void **state)
{
    (void)state;
    char *path = write_tmp("a.count = 1\n\nnot.a.key = 2\n");
    assert_int_equal(nw_config_load_file(&c, path, err, sizeof err), NW_E_INPUT);
    char want[128];
    snprintf(want, sizeof want, "%s:3: unknown configuration key \"not.a.key\"", path);
    assert_non_null(strstr(err, want));
    unlink(path);
}

static void test_bad_values_are_errors(void **state)
{
    (void)state;
    assert_int_equal(nw_config_set(&c, "a.count", "12x", "--set", err, sizeof err), NW_E_INPUT);
    assert_non_null(strstr(err, "a.count expects an integer"));
    assert_int_equal(v.count, 3);
    assert_int_equal(nw_config_set(&c, "a.ratio", "", "--set", err, sizeof err), NW_E_INPUT);
    assert_int_equal(nw_config_set(&c, "kafka.bootstrap", "maybe", "x", err, sizeof err),
                     NW_E_INPUT);
    char *path = write_tmp("no equals sign\n");
    assert_int_equal(nw_config_load_file(&c, path, err, sizeof err), NW_E_INPUT);
    assert_non_null(strstr(err, ":1: expected key = value"));
    unlink(path);
    assert_int_equal(nw_config_load_file(&c, "/nonexistent/x.conf", err, sizeof err), NW_E_INPUT);
    assert_non_null(strstr(err, "/nonexistent/x.conf: cannot open"));
    /* numbers outside their range, from any source, say which key, value, range and where */
    assert_int_equal(nw_config_set(&c, "a.count", "-5", "--set", err, sizeof err), NW_E_INPUT);
    assert_string_equal(err, "--set: a.count = -5 is out of range 1..100");
    assert_int_equal(nw_config_set(&c, "a.ratio", "1.7", "--set", err, sizeof err), NW_E_INPUT);
    assert_int_equal(nw_config_set(&c, "a.ratio", "nan", "--set", err, sizeof err), NW_E_INPUT);
    assert_true(v.ratio == 0.5); /* unchanged */
    path = write_tmp("a.count = 0\n");
    assert_int_equal(nw_config_load_file(&c, path, err, sizeof err), NW_E_INPUT);
    assert_non_null(strstr(err, ":1: a.count = 0 is out of range 1..100"));
    unlink(path);
    char *env[] = {"NEARWIRE_A_COUNT=101", NULL};
    assert_int_equal(nw_config_load_env(&c, env, err, sizeof err), NW_E_INPUT);
    assert_non_null(strstr(err, "NEARWIRE_A_COUNT"));
    assert_int_equal(nw_config_set(&c, "a.count", "100", "--set", err, sizeof err), NW_OK);
}

static void test_key_value_strings(void **state)
{
    (void)state;
    assert_int_equal(nw_config_set_kv(&c, "", "a.count=5", "--set", err, sizeof err), NW_OK);
    assert_int_equal(v.count, 5);
    assert_int_equal(nw_config_set_kv(&c, "kafka.", "acks=all", "-X", err, sizeof err), NW_OK);
    assert_string_equal(c.kafka[c.nkafka - 1].name, "acks");
    assert_int_equal(nw_config_set_kv(&c, "", "a.count", "--set", err, sizeof err), NW_E_INPUT);
    assert_non_null(strstr(err, "--set a.count: expected KEY=VALUE"));
}

static void test_print_masks_secrets(void **state)
{
    (void)state;
    assert_int_equal(nw_config_set(&c, "kafka.sasl.password", "hunter2", "x", err, sizeof err),
                     NW_OK);
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    nw_config_print(&c, f);
    fclose(f);
    assert_null(strstr(buf, "hunter2"));
    assert_non_null(strstr(buf, "kafka.sasl.password = ***"));
    assert_non_null(strstr(buf, "a.name = dflt    # from default"));
}

/* Every form a password took into a log line or --print-config before. */
static void test_mask_url_forms(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"redis://:hunter2@host:6379/0", "redis://:***@host:6379/0"},
        {"rediss://u:hunter2@host", "rediss://u:***@host"},
        {"REDIS://u:hunter2@host", "REDIS://u:***@host"},
        {"redis://hunter2@host", "redis://***@host"},
        {"redis://u:hun@ter:2@host:1", "redis://u:***@host:1"},
        {"redis://host:6379", "redis://host:6379"},
        {"http://foo", "http://foo"},
        {"not a url", "not a url"},
    };
    char out[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(nw_mask_url(out, sizeof out, cases[i][0]), cases[i][1]);
    }
    assert_true(nw_secret_name("sasl.password"));
    assert_true(nw_secret_name("sasl.jaas.config"));
    assert_true(nw_secret_name("ssl.key.pem"));
    assert_true(nw_secret_name("ssl.key.password"));
    assert_true(nw_secret_name("sasl.oauthbearer.config"));
    assert_true(nw_secret_name("sasl.oauthbearer.client.secret"));
    assert_false(nw_secret_name("bootstrap.servers"));
    assert_false(nw_secret_name("ssl.ca.location"));
}

/* Every form of redis.url a deployment writes; errors say which part and hide the password. */
static void test_redis_url_forms(void **state)
{
    (void)state;
    nw_redis_url u;
    nw_err e;
    char addr[300];
    assert_int_equal(nw_redis_url_parse("redis://[::1]:6380/2", &u, &e), NW_OK);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 6380);
    assert_int_equal(u.db, 2);
    assert_string_equal(nw_redis_url_addr(&u, addr, sizeof addr), "[::1]:6380");
    assert_int_equal(nw_redis_url_parse("REDIS://u:p@ss:w0rd@redis.svc", &u, &e), NW_OK);
    assert_string_equal(u.user, "u");
    assert_string_equal(u.password, "p@ss:w0rd");
    assert_string_equal(u.host, "redis.svc");
    assert_int_equal(u.port, 6379);
    assert_string_equal(nw_redis_url_addr(&u, addr, sizeof addr), "redis.svc:6379");
    assert_int_equal(nw_redis_url_parse("redis://:pw@10.0.0.1:7000/", &u, &e), NW_OK);
    assert_string_equal(u.user, "");
    assert_string_equal(u.password, "pw");
    assert_int_equal(u.db, 0);
    assert_int_equal(u.nseeds, 1);
    /* the seed nodes of a Redis Cluster */
    assert_int_equal(nw_redis_url_parse("redis://:pw@10.0.0.1:7000,[::1]:7001,node-c", &u, &e),
                     NW_OK);
    assert_int_equal(u.nseeds, 3);
    assert_string_equal(u.seeds[1].host, "::1");
    assert_int_equal(u.seeds[1].port, 7001);
    assert_string_equal(u.seeds[2].host, "node-c");
    assert_int_equal(u.seeds[2].port, 6379);
    assert_string_equal(u.host, "10.0.0.1");
    assert_int_equal(u.port, 7000);
    static const char *const bad[][2] = {
        {"redis://:secret-pw@host:abc", "the port must be a number"},
        {"redis://:secret-pw@host:0", "the port must be a number"},
        {"redis://:secret-pw@host:70000", "the port must be a number"},
        {"redis://:secret-pw@[::1:6379", "no closing ]"},
        {"redis://:secret-pw@host/x", "the database after / must be a number"},
        {"redis://:secret-pw@[::1]x", "unexpected"},
        {"redis://:secret-pw@", "has an empty host"},
        {"redis://:secret-pw@a:7000,,b:7001", "has an empty host"},
        {"redis://:secret-pw@a:7000,b:x", "the port must be a number"},
        {"http://:secret-pw@host", "must start with redis://"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nw_err_clear(&e);
        assert_int_equal(nw_redis_url_parse(bad[i][0], &u, &e), NW_E_FATAL);
        if (!strstr(e.detail, bad[i][1]) || strstr(e.detail, "secret-pw")) {
            fail_msg("%s: %s", bad[i][0], e.detail);
        }
    }
}

/* Slots as redis-server 7.0 computes them (CLUSTER KEYSLOT), hash tags included; and the
 * argument that is a command's key. */
static void test_redis_slots(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        unsigned slot;
    } want[] = {
        {"foo", 12182},  {"bar", 5061},  {"123456789", 12739}, {"{user1000}.following", 3443},
        {"a{}b", 13694}, {"{}x", 10595}, {"x{y", 2740},        {"nw:r:abc", 10131}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(nw_redis_slot(want[i].key, strlen(want[i].key)), want[i].slot);
    }
    assert_int_equal(nw_redis_slot("{user1000}.followers", 20), 3443);
    const char *get[] = {"GET", "k"}, *ping[] = {"PING"}, *info[] = {"info", "memory"};
    const char *eval[] = {"EVALSHA", "abc", "1", "k", "v"}, *eval0[] = {"EVALSHA", "abc", "0"};
    assert_int_equal(nw_redis_key_arg(2, get, NULL), 1);
    assert_int_equal(nw_redis_key_arg(1, ping, NULL), -1);
    assert_int_equal(nw_redis_key_arg(2, info, NULL), -1);
    assert_int_equal(nw_redis_key_arg(5, eval, NULL), 3);
    assert_int_equal(nw_redis_key_arg(3, eval0, NULL), -1);
}

/* Key names as the stores write them (a changed name strands a live window's keys). */
static void test_redis_keys(void **state)
{
    (void)state;
    char k[128];
    assert_string_equal(nw_key_record(k, sizeof k, "nw:", 0xabcULL), "nw:s:0000000000000abc");
    assert_string_equal(nw_key_bucket(k, sizeof k, "nw:", 2925, 17), "nw:b:2925:17");
    assert_string_equal(nw_key_bucket(k, sizeof k, "nw:", -3, 0), "nw:b:-3:0");
    assert_string_equal(nw_key_bucket_shard(k, sizeof k, "nw:", 65535), "nw:bs:65535");
    assert_string_equal(nw_key_bucket_layout(k, sizeof k, "nw:"), "nw:bl");
    assert_string_equal(nw_key_common(k, sizeof k, "p:", INT64_MIN, 4294967295u),
                        "p:c:-9223372036854775808:4294967295");
    assert_string_equal(nw_key_record(k, sizeof k, "", UINT64_MAX), "s:ffffffffffffffff");
    assert_string_equal(nw_key_article(k, sizeof k, "nw:", 0x0123456789abcdefULL),
                        "nw:a:0123456789abcdef");
    assert_string_equal(nw_key_record(k, 9, "nw:", 0xabcULL), "nw:s:000"); /* truncated */
    assert_string_equal(nw_key_bucket(k, 8, "nw:", 2925, 17), "nw:b:29");
    assert_string_equal(nw_key_inserted(k, sizeof k, "nw:", 2925), "nw:n:2925");
    assert_string_equal(nw_key_link(k, sizeof k, "nw:", "sa", 1), "nw:sa:0000000000000001");
    assert_string_equal(nw_key_story(k, sizeof k, "nw:", "000_x"), "nw:sh:000_x");
    assert_string_equal(nw_key_counted(k, sizeof k, "nw:lines:", 20470, 4095),
                        "nw:lines:df:seen:20470:4095");
    assert_string_equal(nw_key_df(k, sizeof k, "nw:", -1), "nw:df:-1");
    assert_string_equal(nw_key_df_docs(k, sizeof k, "nw:", 7), "nw:df:n:7");
    assert_null(strchr(nw_key_story(k, sizeof k, "nw:", "a"), '{')); /* no hash tag */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, setup),
        cmocka_unit_test(test_redis_url_forms),
        cmocka_unit_test(test_redis_slots),
        cmocka_unit_test(test_redis_keys),
        cmocka_unit_test_setup(test_file_env_set_precedence, setup),
        cmocka_unit_test_setup(test_unknown_key_names_file_and_line, setup),
        cmocka_unit_test_setup(test_bad_values_are_errors, setup),
        cmocka_unit_test_setup(test_key_value_strings, setup),
        cmocka_unit_test_setup(test_print_masks_secrets, setup),
        cmocka_unit_test(test_mask_url_forms),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
