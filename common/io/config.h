/* config.h - declarative configuration: each key is declared once in a table (name, type,
 * default, field offset, help). Values come, later winning, from the defaults, the config file
 * (`key = value`, # comments), NEARWIRE_<KEY> environment variables ('.' -> '_', upper case),
 * and --set key=value. Keys under "kafka." that no table declares pass straight to
 * librdkafka. Unknown keys fail with file:line. Strings live inside the target struct. */
#ifndef NW_CONFIG_H
#define NW_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#define NW_CFG_STR_MAX 512
#define NW_CFG_MAX_PASSTHROUGH 64
#define NW_CFG_TABLES 6

typedef enum nw_cfg_type { NW_CFG_STR, NW_CFG_INT, NW_CFG_DBL, NW_CFG_BOOL } nw_cfg_type;

typedef struct nw_cfg_key {
    const char *name;
    nw_cfg_type type;
    const char *def;
    size_t offset; /* into the struct the table describes */
    const char *help;
    int secret;      /* masked by --print-config */
    double min, max; /* numbers: the allowed range, checked wherever the value comes from
                      * (min == max: unchecked) */
} nw_cfg_key;

typedef struct nw_cfg_pair {
    char name[128]; /* without the "kafka." prefix */
    char value[NW_CFG_STR_MAX];
} nw_cfg_pair;

typedef struct nw_config {
    const nw_cfg_key *tables[NW_CFG_TABLES]; /* each terminated by an entry with name NULL */
    void *bases[NW_CFG_TABLES];
    const char *sources[NW_CFG_TABLES][64]; /* where each key's value came from */
    nw_cfg_pair kafka[NW_CFG_MAX_PASSTHROUGH];
    size_t nkafka;
} nw_config;

/* Binds up to two tables (common + stage) to their structs and applies the defaults. */
int nw_config_init(nw_config *c, const nw_cfg_key *t0, void *b0, const nw_cfg_key *t1, void *b1,
                   char *err, size_t errsz);
/* Binds one more table (a service made of several stages' settings), applying its defaults. */
int nw_config_add_table(nw_config *c, const nw_cfg_key *t, void *base, char *err, size_t errsz);
int nw_config_set(nw_config *c, const char *key, const char *value, const char *source, char *err,
                  size_t errsz);
int nw_config_load_file(nw_config *c, const char *path, char *err, size_t errsz);
/* "KEY=VALUE" as given to --set (prefix "") or to a tool's -X (prefix "kafka."). */
int nw_config_set_kv(nw_config *c, const char *prefix, const char *kv, const char *source,
                     char *err, size_t errsz);
int nw_config_load_env(nw_config *c, char **environ_, char *err, size_t errsz);
/* A whole string as a number within [min, max] (command-line options of the tools); 0 on
 * success, -1 for "abc", "5x", "" or out of range. */
int nw_parse_number(const char *text, double min, double max, double *out);

void nw_config_print(const nw_config *c, FILE *out);
void nw_config_help(const nw_config *c, FILE *out);

#endif
