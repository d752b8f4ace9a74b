#!/usr/bin/env bash
# The main job on a demo city folder: describe the inputs, validate the health-check file, then run
# the whole check (indicators at four levels, scores, outputs and the HTML report in DIR/out; the
# run is kept in the base database DIR/store.gpkg).
set -euo pipefail
cc="$1"
demo="$2"
"$cc" info "$demo/zones.gpkg"
"$cc" info "$demo/dltb_gbk.shp"
"$cc" validate "$demo/healthcheck.yaml"
"$cc" run "$demo/healthcheck.yaml" --store "$demo/store.gpkg" --report
echo "results: $demo/out"
ls "$demo/out"
