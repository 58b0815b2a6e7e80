#!/usr/bin/env bash
# test_pipeline_cluster.sh - test_pipeline.sh with the stores on a Redis Cluster of 3 masters
# and 3 replicas: the same seeds, stories, duplicates, merged stories and TTLs.
NW_PIPELINE_REDIS=cluster exec bash "$(dirname "$0")/test_pipeline.sh"
