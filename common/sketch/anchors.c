/* anchors.c - the keys below the rate's cut-off, or the smallest keys when there are too few
 * or too many of them: kept sorted as they come, so a long page costs one pass. */
#include "anchors.h"

#include <math.h>
#include <string.h>

#include "mix.h"

/* anchor keys must not follow the MinHash values, which use the same shingle hashes */
#define ANCHOR_SALT 0x6a09e667f3bcc909ULL

void nw_anchor_params_index(nw_anchor_params *p)
{
    *p = (nw_anchor_params){16, 16, 128};
}

void nw_anchor_params_sample(nw_anchor_params *p)
{
    *p = (nw_anchor_params){4, 16, 256};
}

/* How many of the ascending keys v[0..n) are below 'bound'. */
static size_t count_below(const uint32_t *v, size_t n, uint64_t bound)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < bound) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

size_t nw_anchors_prefix(const uint32_t *anchors, size_t n, const nw_anchor_params *p)
{
    size_t below = count_below(anchors, n, (1ULL << 32) / p->every);
    size_t keep = below < p->least ? p->least : below;
    keep = keep < p->most ? keep : p->most;
    return keep < n ? keep : n;
}

const char *nw_anchor_params_check(const nw_anchor_params *p)
{
    if (p->every < 1) {
        return "anchors: every must be at least 1";
    }
    if (p->most < 1 || p->most > NW_ANCHORS_MAX) {
        return "anchors: most must be 1..256";
    }
    if (p->least > p->most) {
        return "anchors: least must not exceed most";
    }
    return NULL;
}

uint32_t nw_anchor_key(uint64_t shingle, uint64_t seed)
{
    return (uint32_t)(nw_mix64(shingle ^ seed ^ ANCHOR_SALT) >> 32);
}

/* Keeps out[0..*m) the 'want' smallest distinct keys seen so far, ascending: a key above the
 * largest kept once full is one comparison, so a long page costs one pass and few inserts. */
static void keep_smallest(uint32_t k, uint32_t *out, size_t *m, size_t want)
{
    if (*m == want && k >= out[*m - 1]) {
        return;
    }
    size_t lo = count_below(out, *m, k);
    if (lo < *m && out[lo] == k) { /* keys of two shingles can tie */
        return;
    }
    size_t last = *m < want ? *m : want - 1;
    memmove(out + lo + 1, out + lo, (last - lo) * sizeof *out);
    out[lo] = k;
    *m = last + 1;
}

size_t nw_anchors_select(const uint64_t *shingles, size_t n, uint64_t seed,
                         const nw_anchor_params *p, uint32_t *out)
{
    const uint64_t cut = (1ULL << 32) / p->every;
    size_t m = 0, below = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t k = nw_anchor_key(shingles[i], seed);
        if (k < cut) {
            below++;
            keep_smallest(k, out, &m, p->most);
        }
    }
    if (below < p->least) { /* a short text: its smallest keys whatever their size */
        m = 0;
        for (size_t i = 0; i < n && p->least; i++) {
            keep_smallest(nw_anchor_key(shingles[i], seed), out, &m, p->least);
        }
    }
    return m;
}

double nw_anchor_candidate_probability(double shared, unsigned every)
{
    return 1.0 - pow(1.0 - 1.0 / every, shared);
}
