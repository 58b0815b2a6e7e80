/* config.c - the table-driven loader. Parsing is strict: a bad number or bool is an error
 * naming the key and where the value came from, never a silent default. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/nw_error.h"
#include "../core/secrets.h"

static const nw_cfg_key *find_key(const nw_config *c, const char *name, int *table, int *idx)
{
    for (int t = 0; t < NW_CFG_TABLES; t++) {
        for (int i = 0; c->tables[t] && c->tables[t][i].name; i++) {
            if (strcmp(c->tables[t][i].name, name) == 0) {
                *table = t;
                *idx = i;
                return &c->tables[t][i];
            }
        }
    }
    return NULL;
}

static int parse_value(const nw_cfg_key *k, void *base, const char *v, char *err, size_t errsz,
                       const char *source)
{
    char *field = (char *)base + k->offset;
    char *end = NULL;
    errno = 0;
    switch (k->type) {
    case NW_CFG_STR:
        if (strlen(v) >= NW_CFG_STR_MAX) {
            snprintf(err, errsz, "%s: value of %s is too long", source, k->name);
            return NW_E_INPUT;
        }
        strcpy(field, v);
        return NW_OK;
    case NW_CFG_INT: {
        long long x = strtoll(v, &end, 10);
        if (errno || end == v || *end) {
            snprintf(err, errsz, "%s: %s expects an integer, got \"%s\"", source, k->name, v);
            return NW_E_INPUT;
        }
        if (k->min < k->max && ((double)x < k->min || (double)x > k->max)) {
            snprintf(err, errsz, "%s: %s = %lld is out of range %.0f..%.0f", source, k->name, x,
                     k->min, k->max);
            return NW_E_INPUT;
        }
        *(long long *)field = x;
        return NW_OK;
    }
    case NW_CFG_DBL: {
        double x;
        if (nw_parse_number(v, -HUGE_VAL, HUGE_VAL, &x) != 0) {
            snprintf(err, errsz, "%s: %s expects a number, got \"%s\"", source, k->name, v);
            return NW_E_INPUT;
        }
        if (k->min < k->max && (x < k->min || x > k->max)) {
            snprintf(err, errsz, "%s: %s = %g is out of range %g..%g", source, k->name, x, k->min,
                     k->max);
            return NW_E_INPUT;
        }
        *(double *)field = x;
        return NW_OK;
    }
    case NW_CFG_BOOL:
        if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes")) {
            *(int *)field = 1;
        } else if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no")) {
            *(int *)field = 0;
        } else {
            snprintf(err, errsz, "%s: %s expects true or false, got \"%s\"", source, k->name, v);
            return NW_E_INPUT;
        }
        return NW_OK;
    }
    return NW_E_FATAL;
}

static int apply_defaults(nw_config *c, int t, char *err, size_t errsz)
{
    for (int i = 0; c->tables[t] && c->tables[t][i].name; i++) {
        const nw_cfg_key *k = &c->tables[t][i];
        if (parse_value(k, c->bases[t], k->def, err, errsz, "default") != NW_OK) {
            return NW_E_FATAL;
        }
        c->sources[t][i] = "default";
    }
    return NW_OK;
}

int nw_config_init(nw_config *c, const nw_cfg_key *t0, void *b0, const nw_cfg_key *t1, void *b1,
                   char *err, size_t errsz)
{
    memset(c, 0, sizeof *c);
    c->tables[0] = t0;
    c->bases[0] = b0;
    c->tables[1] = t1;
    c->bases[1] = b1;
    for (int t = 0; t < 2; t++) {
        if (apply_defaults(c, t, err, errsz) != NW_OK) {
            return NW_E_FATAL;
        }
    }
    return NW_OK;
}

int nw_config_add_table(nw_config *c, const nw_cfg_key *t, void *base, char *err, size_t errsz)
{
    for (int i = 0; i < NW_CFG_TABLES; i++) {
        if (!c->tables[i]) {
            c->tables[i] = t;
            c->bases[i] = base;
            return apply_defaults(c, i, err, errsz);
        }
    }
    snprintf(err, errsz, "more than %d configuration tables", NW_CFG_TABLES);
    return NW_E_FATAL;
}

static int set_passthrough(nw_config *c, const char *name, const char *value, char *err,
                           size_t errsz)
{
    for (size_t i = 0; i < c->nkafka; i++) {
        if (strcmp(c->kafka[i].name, name) == 0) {
            snprintf(c->kafka[i].value, sizeof c->kafka[i].value, "%s", value);
            return NW_OK;
        }
    }
    if (c->nkafka == NW_CFG_MAX_PASSTHROUGH || strlen(name) >= sizeof c->kafka[0].name ||
        strlen(value) >= sizeof c->kafka[0].value) {
        snprintf(err, errsz, "too many or too long kafka.* settings at kafka.%s", name);
        return NW_E_INPUT;
    }
    snprintf(c->kafka[c->nkafka].name, sizeof c->kafka[0].name, "%s", name);
    snprintf(c->kafka[c->nkafka].value, sizeof c->kafka[0].value, "%s", value);
    c->nkafka++;
    return NW_OK;
}

int nw_config_set(nw_config *c, const char *key, const char *value, const char *source, char *err,
                  size_t errsz)
{
    int t, i;
    const nw_cfg_key *k = find_key(c, key, &t, &i);
    if (k) {
        if (parse_value(k, c->bases[t], value, err, errsz, source) != NW_OK) {
            return NW_E_INPUT;
        }
        c->sources[t][i] = source;
        return NW_OK;
    }
    if (strncmp(key, "kafka.", 6) == 0 && key[6]) {
        return set_passthrough(c, key + 6, value, err, errsz);
    }
    snprintf(err, errsz, "%s: unknown configuration key \"%s\" (see --help)", source, key);
    return NW_E_INPUT;
}

int nw_config_set_kv(nw_config *c, const char *prefix, const char *kv, const char *source,
                     char *err, size_t errsz)
{
    char key[NW_CFG_STR_MAX + 256];
    const char *eq = strchr(kv, '=');
    if (!eq) {
        snprintf(err, errsz, "%s %s: expected KEY=VALUE", source, kv);
        return NW_E_INPUT;
    }
    snprintf(key, sizeof key, "%s%.*s", prefix, (int)(eq - kv), kv);
    return nw_config_set(c, key, eq + 1, source, err, errsz);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) {
        *--e = '\0';
    }
    return s;
}

int nw_config_load_file(nw_config *c, const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsz, "%s: cannot open config file: %s", path, strerror(errno));
        return NW_E_INPUT;
    }
    char line[1024];
    int lineno = 0, rc = NW_OK;
    /* sources must outlive this call: they point into a static pool */
    static char srcpool[128][300];
    static int srcnext;
    while (rc == NW_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') {
            continue;
        }
        char *eq = strchr(s, '=');
        char *src = srcpool[srcnext++ % 128];
        snprintf(src, 300, "%s:%d", path, lineno);
        if (!eq) {
            snprintf(err, errsz, "%s: expected key = value", src);
            rc = NW_E_INPUT;
            break;
        }
        *eq = '\0';
        rc = nw_config_set(c, trim(s), trim(eq + 1), src, err, errsz);
    }
    fclose(f);
    return rc;
}

/* NEARWIRE_FOO_BAR matches the declared key whose name maps to FOO_BAR; otherwise
 * NEARWIRE_KAFKA_X_Y passes through to librdkafka as x.y. */
static void env_name(const char *key, char *out, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; key[i] && j + 1 < n; i++) {
        char ch = key[i];
        out[j++] = (ch == '.' || ch == '-') ? '_' : (char)toupper((unsigned char)ch);
    }
    out[j] = '\0';
}

static int env_one(nw_config *c, const char *name, const char *value, char *err, size_t errsz)
{
    char want[160];
    for (int t = 0; t < NW_CFG_TABLES; t++) {
        for (int i = 0; c->tables[t] && c->tables[t][i].name; i++) {
            env_name(c->tables[t][i].name, want, sizeof want);
            if (strcmp(want, name) == 0) {
                return nw_config_set(c, c->tables[t][i].name, value, "environment", err, errsz);
            }
        }
    }
    if (strncmp(name, "KAFKA_", 6) == 0 && name[6]) {
        char key[160] = "kafka.";
        size_t j = 6;
        for (const char *p = name + 6; *p && j + 1 < sizeof key; p++) {
            key[j++] = *p == '_' ? '.' : (char)tolower((unsigned char)*p);
        }
        key[j] = '\0';
        return nw_config_set(c, key, value, "environment", err, errsz);
    }
    return NW_OK; /* other NEARWIRE_* variables belong to tools and scripts */
}

int nw_config_load_env(nw_config *c, char **env, char *err, size_t errsz)
{
    for (; env && *env; env++) {
        if (strncmp(*env, "NEARWIRE_", 9) != 0) {
            continue;
        }
        const char *eq = strchr(*env, '=');
        if (!eq) {
            continue;
        }
        char name[160];
        size_t n = (size_t)(eq - *env) - 9;
        if (n >= sizeof name) {
            continue;
        }
        memcpy(name, *env + 9, n);
        name[n] = '\0';
        if (env_one(c, name, eq + 1, err, errsz) != NW_OK) {
            /* which variable, not only "environment" */
            char why[512];
            snprintf(why, sizeof why, "%s", err);
            snprintf(err, errsz, "NEARWIRE_%s (%s)", name, why);
            return NW_E_INPUT;
        }
    }
    return NW_OK;
}

void nw_config_print(const nw_config *c, FILE *out)
{
    for (int t = 0; t < NW_CFG_TABLES; t++) {
        for (int i = 0; c->tables[t] && c->tables[t][i].name; i++) {
            const nw_cfg_key *k = &c->tables[t][i];
            const char *field = (const char *)c->bases[t] + k->offset;
            fprintf(out, "%s = ", k->name);
            char masked[NW_CFG_STR_MAX + 8];
            if (k->type == NW_CFG_STR && *field && nw_secret_name(k->name)) {
                fputs("***", out);
            } else if (k->type == NW_CFG_STR && *field && k->secret) {
                fputs(nw_mask_url(masked, sizeof masked, field), out);
            } else if (k->type == NW_CFG_STR) {
                fputs(field, out);
            } else if (k->type == NW_CFG_INT) {
                fprintf(out, "%lld", *(const long long *)field);
            } else if (k->type == NW_CFG_DBL) {
                fprintf(out, "%g", *(const double *)field);
            } else {
                fputs(*(const int *)field ? "true" : "false", out);
            }
            fprintf(out, "    # from %s\n", c->sources[t][i]);
        }
    }
    for (size_t i = 0; i < c->nkafka; i++) {
        char masked[NW_CFG_STR_MAX + 8];
        fprintf(out, "kafka.%s = %s\n", c->kafka[i].name,
                nw_secret_name(c->kafka[i].name)
                    ? "***"
                    : nw_mask_url(masked, sizeof masked, c->kafka[i].value));
    }
}

void nw_config_help(const nw_config *c, FILE *out)
{
    char env[160];
    for (int t = 0; t < NW_CFG_TABLES; t++) {
        for (int i = 0; c->tables[t] && c->tables[t][i].name; i++) {
            const nw_cfg_key *k = &c->tables[t][i];
            env_name(k->name, env, sizeof env);
            char range[64] = "";
            if (k->min < k->max) {
                snprintf(range, sizeof range, "; %g..%g", k->min, k->max);
            }
            fprintf(out, "  %-28s %s (default \"%s\"%s; env NEARWIRE_%s)\n", k->name, k->help,
                    k->def, range, env);
        }
    }
    fprintf(out, "  %-28s passed to librdkafka as X (env NEARWIRE_KAFKA_X with '_' for '.')\n",
            "kafka.X");
}

int nw_parse_number(const char *text, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || v != v || v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}
