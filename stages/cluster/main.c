/* main.c - nearwire-cluster: signatures in, near-duplicate and story decisions out. */
#include "cluster_step.h"

static cluster_config cfg;

int main(int argc, char **argv)
{
    const nw_stage st = {
        .name = "cluster",
        .summary = "Matches each fingerprinted article against the rolling signature store in "
                   "Redis and\ndecides which recent article it duplicates and which story it "
                   "joins.",
        .default_in = "news.fingerprinted",
        .default_out = "news.clustered",
        .keys = cluster_keys,
        .cfg = &cfg,
        .init = cluster_init,
        .fini = cluster_fini,
        .step_batch = cluster_step_batch,
        .ready = cluster_ready,
    };
    return nw_stage_main(argc, argv, &st);
}
