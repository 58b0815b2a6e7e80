/* kafka_topics.c - topic existence from the cluster's metadata. */
#include "kafka_topics.h"

#include <stdio.h>
#include <string.h>

#include "../core/nw_error.h"

const rd_kafka_metadata_topic_t *nw_kafka_topic_find(const rd_kafka_metadata_t *md,
                                                     const char *name)
{
    for (int i = 0; i < md->topic_cnt; i++) {
        if (strcmp(md->topics[i].topic, name) == 0 && !md->topics[i].err) {
            return &md->topics[i];
        }
    }
    return NULL;
}

int nw_kafka_check_topics(rd_kafka_t *rk, const char *const *names, size_t n, int timeout_ms,
                          char *missing, size_t missing_cap, char *err, size_t errsz)
{
    const rd_kafka_metadata_t *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
    if (e) {
        snprintf(err, errsz, "no metadata from the brokers: %s", rd_kafka_err2str(e));
        return NW_E_RETRY;
    }
    size_t len = 0;
    missing[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!nw_kafka_topic_find(md, names[i]) && len + strlen(names[i]) + 2 < missing_cap) {
            len += (size_t)snprintf(missing + len, missing_cap - len, "%s%s", len ? "," : "",
                                    names[i]);
        }
    }
    rd_kafka_metadata_destroy(md);
    return len ? NW_E_INPUT : NW_OK;
}
