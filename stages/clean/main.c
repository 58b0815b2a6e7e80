/* main.c - nearwire-clean: raw news documents in, article text out. */
#include "clean_step.h"

static clean_config cfg;

int main(int argc, char **argv)
{
    const nw_stage st = {
        .name = "clean",
        .summary = "Extracts article text, title and language from raw news documents (text or "
                   "HTML),\ndropping site boilerplate, and reports what it dropped and why.",
        .default_in = "news.raw",
        .default_out = "news.clean",
        .keys = clean_keys,
        .cfg = &cfg,
        .init = clean_init,
        .fini = clean_fini,
        .step_batch = clean_step_batch,
        .ready = clean_ready,
        .decode_charsets = 1,
    };
    return nw_stage_main(argc, argv, &st);
}
