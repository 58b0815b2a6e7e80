/* control.h - fault injection for the development broker: commands read line by line from a
 * named pipe drive the mock cluster's own fault API, so tests can take the broker down, bring
 * it back, slow it and make it fail requests while the stages run against it. */
#ifndef NW_BROKER_CONTROL_H
#define NW_BROKER_CONTROL_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stddef.h>

/* The commands, one per line ([ID] = one broker, default all):
 *   down [ID]          disconnect and refuse connections
 *   up [ID]            accept connections again
 *   rtt MS [ID]        add MS milliseconds to every response
 *   errors API N [ERROR]  fail the next N requests of API (produce, fetch, commit,
 *                      add-partitions-to-txn, end-txn, txn-offset-commit) with ERROR (a broker
 *                      error's name, e.g. NOT_COORDINATOR), by default a retriable one
 * Returns 0 when applied, else -1 with why in err. */
int nw_broker_command(rd_kafka_mock_cluster_t *mc, const char *line, char *err, size_t errsz);

/* Creates the named pipe at path (replacing a stale file) and opens it for reading without
 * blocking; -1 on failure with errno set. */
int nw_broker_control_open(const char *path);

/* Reads what is waiting on fd and applies each complete line; partial lines wait in buf
 * (size bufsz, fill *used) for the rest. */
void nw_broker_control_read(rd_kafka_mock_cluster_t *mc, int fd, char *buf, size_t bufsz,
                            size_t *used);

#endif
