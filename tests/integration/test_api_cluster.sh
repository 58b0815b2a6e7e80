#!/usr/bin/env bash
# test_api_cluster.sh - test_api.sh with the store on a Redis Cluster of 3 masters and 3
# replicas: the API's reads (records, cards, stories, the recent-stories shards, a match's
# bucket reads) routed by slot like the stages' writes.
NW_API_REDIS=cluster exec bash "$(dirname "$0")/test_api.sh"
