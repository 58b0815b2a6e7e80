/* main.c - nearwire-fingerprint: cleaned text in, MinHash and SimHash signatures out. */
#include "fingerprint_step.h"

static fingerprint_config cfg;

int main(int argc, char **argv)
{
    const nw_stage st = {
        .name = "fingerprint",
        .summary = "Normalizes cleaned article text, shingles it and computes a 128-bin MinHash "
                   "and a\n64-bit SimHash for near-duplicate matching.",
        .default_in = "news.clean",
        .default_out = "news.fingerprinted",
        .keys = fingerprint_keys,
        .cfg = &cfg,
        .init = fingerprint_init,
        .fini = fingerprint_fini,
        .step = fingerprint_step,
    };
    return nw_stage_main(argc, argv, &st);
}
