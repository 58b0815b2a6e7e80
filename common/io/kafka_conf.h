/* kafka_conf.h - librdkafka configuration built from nearwire settings: the project's
 * defaults (idempotent lz4 producer; manual offset store; range,roundrobin assignors), then
 * every kafka.* pass-through key, which wins. Also turns librdkafka statistics into metrics. */
#ifndef NW_KAFKA_CONF_H
#define NW_KAFKA_CONF_H

#include <librdkafka/rdkafka.h>

#include "config.h"
#include "stage.h"

/* Returns a conf the caller hands to rd_kafka_new() or frees with rd_kafka_conf_destroy().
 * 'all' may be NULL (tools without a config table); 'group' may be NULL for producers. */
rd_kafka_conf_t *nw_kafka_conf_build(const char *bootstrap, const char *group, const nw_config *all,
                                     int consumer, char *err, size_t errsz);
/* A tools' client (nearwire-ingest, -tail, -topics): bootstrap (NULL: 127.0.0.1:9092) and the
 * -X properties in 'props'; 'on_delivery' (may be NULL) and 'opaque' are set on the conf.
 * NULL with the reason in err. */
rd_kafka_t *nw_kafka_tool_client(rd_kafka_type_t type, const char *bootstrap, const char *group,
                                 const nw_config *props,
                                 void (*on_delivery)(rd_kafka_t *, const rd_kafka_message_t *,
                                                     void *),
                                 void *opaque, char *err, size_t errsz);
/* A stage's conf; its producer's message.max.bytes is nw_kafka_output_max_bytes() unless
 * kafka.message.max.bytes says otherwise. */
rd_kafka_conf_t *nw_kafka_conf_new(const nw_stage_config *cfg, const nw_config *all, int consumer,
                                   char *err, size_t errsz);

/* What a stage adds to an accepted input, at most (fields, fingerprints, entities, headers). */
#define NW_OUTPUT_HEADROOM_BYTES (1024 * 1024)
/* The largest record a stage produces: max.message.bytes plus the headroom. Topics (and
 * brokers) must take records this large; larger outputs are dead-lettered. */
long long nw_kafka_output_max_bytes(const nw_stage_config *cfg);

/* Parses a statistics JSON document and sets nearwire_consumer_lag_messages per partition and
 * nearwire_kafka_brokers_up. Returns the brokers up, or -1 when the document does not say. */
int nw_kafka_stats_to_metrics(const char *json);

/* Removes the lag series of partitions this instance no longer owns (on revocation), so
 * instances' lag adds up to the group's instead of counting a moved partition twice. */
void nw_kafka_lag_forget(const rd_kafka_topic_partition_list_t *parts);

#endif
