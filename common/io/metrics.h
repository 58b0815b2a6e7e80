/* metrics.h - a process-wide registry of counters, gauges and histograms rendered in the
 * Prometheus text format 0.0.4. Updates are lock-free atomics; only registering a new series
 * takes a lock, so hot paths look a series up once and keep the pointer. The HTTP thread
 * reads the same atomics and never touches stage state. Series live until exit (a gauge can
 * be hidden). */
#ifndef NW_METRICS_H
#define NW_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"

typedef struct nw_metric nw_metric;

#define NW_HIST_BUCKETS 23

/* 'name' and 'help' must be string literals or otherwise outlive the process; 'labels' is
 * copied (e.g. "reason=\"invalid_json\"", or NULL). Returns the existing series when one
 * with the same name and labels is registered. NULL only when the registry is full. */
nw_metric *nw_counter(const char *name, const char *help, const char *labels);
nw_metric *nw_gauge(const char *name, const char *help, const char *labels);
/* Buckets are seconds: 0.0001 .. 0.1 x2.5 apart, then 0.15 0.2 0.25 0.3 0.4 0.5 0.75 1 1.5 2
 * 2.5 5 10. */
nw_metric *nw_histogram(const char *name, const char *help, const char *labels);

void nw_metric_add(nw_metric *m, uint64_t delta); /* counters; NULL-safe */
void nw_metric_set(nw_metric *m, double value);   /* gauges; NULL-safe */
/* A gauge left out of /metrics until it is set again (its subject went away: a series that
 * stayed at its last value was read as current, e.g. lag of a partition owned elsewhere). */
void nw_metric_hide(nw_metric *m);
void nw_metric_observe(nw_metric *m, double value); /* histograms; NULL-safe */

/* Renders every series, grouped by metric name with HELP and TYPE once each. */
int nw_metrics_render(nw_buf *out);

double nw_now_seconds(void); /* monotonic clock, for durations */
int64_t nw_wall_ms(void);    /* the wall clock: milliseconds since the epoch */

#endif
