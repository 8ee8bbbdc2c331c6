#!/usr/bin/env bash
# Same-session A/B of `grid = persistent` (PERFORMANCE.md step 16): bench/experiments/ab-key.sh
# with its default key. JSON into $OUT/ab-{default,persistent}-<part>.json, the rows' lines into
# $OUT/ab-persistent.txt; PARTS and SPECS as there.
exec env KEY="grid = persistent" NAME=persistent bash "$(dirname "$0")/ab-key.sh"
