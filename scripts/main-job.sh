#!/usr/bin/env bash
# The main job on a demo city folder: until `citycheck run` exists, describe every dataset and run
# the most complete computation available.
set -euo pipefail
cc="$1"
demo="$2"
for f in "$demo"/*; do
  case "$f" in
    *.tif|*.gpkg|*.shp|*.csv|*.geojson) echo "== $f"; "$cc" info "$f" ;;
  esac
done
