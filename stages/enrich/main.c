/* main.c - nearwire-enrich: decisions in, enriched articles and story summaries out. */
#include "enrich_step.h"

static enrich_config cfg;

static const char *stories_topic(const void *c)
{
    return ((const enrich_config *)c)->topic_stories;
}

int main(int argc, char **argv)
{
    const nw_stage st = {
        .name = "enrich",
        .summary = "Adds dateline, wire agency, entities, keywords, reading time, publication\n"
                   "time in UTC and the story aggregate to each clustered article, and\n"
                   "publishes each story's latest summary.",
        .default_in = "news.clustered",
        .default_out = "news.enriched",
        .keys = enrich_keys,
        .cfg = &cfg,
        .init = enrich_init,
        .fini = enrich_fini,
        .step_batch = enrich_step_batch,
        .ready = enrich_ready,
        .extra_topic = stories_topic,
    };
    return nw_stage_main(argc, argv, &st);
}
