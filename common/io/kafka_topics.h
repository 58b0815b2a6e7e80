/* kafka_topics.h - which of a stage's topics the cluster has. It asks for the metadata of all
 * topics: asking for one by name can create it where auto-creation is on (the local broker
 * does), and a typo would then run against an empty topic. */
#ifndef NW_KAFKA_TOPICS_H
#define NW_KAFKA_TOPICS_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

/* The metadata of topic name in md, or NULL. */
const rd_kafka_metadata_topic_t *nw_kafka_topic_find(const rd_kafka_metadata_t *md,
                                                     const char *name);

/* NW_OK when all n topics exist; NW_E_INPUT when some do not (their names, comma-separated,
 * in missing); NW_E_RETRY when no broker answered within timeout_ms (why in err). */
int nw_kafka_check_topics(rd_kafka_t *rk, const char *const *names, size_t n, int timeout_ms,
                          char *missing, size_t missing_cap, char *err, size_t errsz);

#endif
