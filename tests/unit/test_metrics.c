/* test_metrics.c - the registry's text format: a histogram's cumulative buckets (fine enough
 * between 0.1 and 10 s to tell latency quantiles apart), +Inf, sum and count; counters and
 * gauges with labels; one series per name and labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka 1.1.5 needs the four above first */
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "io/metrics.h"

/* The value of the line that begins with 'series ' in the rendered text, or -1. */
static double value_of(const char *text, const char *series)
{
    char want[256];
    snprintf(want, sizeof want, "\n%s ", series);
    const char *p = strstr(text, want);
    double v = -1;
    if (p) {
        sscanf(p + strlen(want), "%lf", &v);
    }
    return v;
}

static void test_histogram_buckets(void **state)
{
    (void)state;
    nw_metric *h = nw_histogram("t_latency_seconds", "A test histogram.", "stage=\"x\"");
    assert_non_null(h);
    const double seen[] = {0.12, 0.18, 0.28, 0.35, 0.7, 0.9, 1.2, 3, 20};
    for (size_t i = 0; i < sizeof seen / sizeof seen[0]; i++) {
        nw_metric_observe(h, seen[i]);
    }
    nw_buf b;
    nw_buf_init(&b);
    assert_int_equal(nw_metrics_render(&b), 0);
    const struct {
        const char *le;
        double count;
    } want[] = {{"0.1", 0}, {"0.15", 1}, {"0.2", 2},  {"0.25", 2}, {"0.3", 3},
                {"0.4", 4}, {"0.5", 4},  {"0.75", 5}, {"1", 6},    {"1.5", 7},
                {"2", 7},   {"2.5", 7},  {"5", 8},    {"10", 8},   {"+Inf", 9}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char series[128];
        snprintf(series, sizeof series, "t_latency_seconds_bucket{stage=\"x\",le=\"%s\"}",
                 want[i].le);
        assert_true(value_of(b.data, series) == want[i].count);
    }
    assert_true(value_of(b.data, "t_latency_seconds_count{stage=\"x\"}") == 9);
    double sum = value_of(b.data, "t_latency_seconds_sum{stage=\"x\"}");
    assert_true(sum > 26.72 && sum < 26.74);
    nw_buf_release(&b);
}

static void test_counters_and_gauges(void **state)
{
    (void)state;
    nw_metric *c = nw_counter("t_things_total", "Things.", "kind=\"a\"");
    assert_ptr_equal(c, nw_counter("t_things_total", "Things.", "kind=\"a\""));
    nw_metric_add(c, 2);
    nw_metric_add(nw_counter("t_things_total", "Things.", "kind=\"a\""), 3);
    nw_metric_set(nw_gauge("t_level", "A level.", NULL), 1.5);
    nw_buf b;
    nw_buf_init(&b);
    assert_int_equal(nw_metrics_render(&b), 0);
    assert_true(value_of(b.data, "t_things_total{kind=\"a\"}") == 5);
    assert_true(value_of(b.data, "t_level") == 1.5);
    assert_non_null(strstr(b.data, "# TYPE t_things_total counter\n"));
    assert_non_null(strstr(b.data, "# TYPE t_latency_seconds histogram\n"));
    nw_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_histogram_buckets),
        cmocka_unit_test(test_counters_and_gauges),
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
