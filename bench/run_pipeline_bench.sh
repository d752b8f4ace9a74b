#!/usr/bin/env bash
# Pipeline benchmark (issue #7): the whole demo health check (`citycheck run`, every built-in
# indicator) against the same work done by the primitives' own CLI commands on the same inputs,
# in the same run. Reports wall time and peak RSS (/usr/bin/time -v) of each, the run's stage
# shares (provenance.json → seconds) and the ratio run / Σ primitives.
#
# Usage: bench/run_pipeline_bench.sh BUILD_DIR [SIZE_KM] [THREADS] [BIG_SIZE_KM]
#   SIZE_KM      demo size for the comparison (default 10)
#   THREADS      --threads for every command (default 2)
#   BIG_SIZE_KM  if set, also generate and run the demo at this size once, for peak RSS (e.g. 50)
# Needs /usr/bin/time (Debian package `time`). Run it once; it is not part of ctest.
set -euo pipefail
build="${1:?build dir}"
size="${2:-10}"
threads="${3:-2}"
big="${4:-}"
bin="$build/cli/citycheck"
[ -x "$bin" ] || bin="$build/citycheck"
[ -x "$bin" ] || { echo "no citycheck binary under $build" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs a command under /usr/bin/time -v; appends "label wall_s rss_kb" to $work/times.
timed() {
  local label="$1"; shift
  /usr/bin/time -v -o "$work/t.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" || {
    echo "FAILED: $label: $*" >&2; cat "$work/err.txt" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s }' "$work/t.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/t.txt")
  echo "$label $wall $rss" >>"$work/times"
  printf '%-34s wall %8.2f s   peak RSS %8.1f MB\n' "$label" "$wall" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
}

city="$work/city"
echo "== demo city ${size} km, --threads $threads"
timed "demo (generator)" "$bin" -q --threads "$threads" demo "$city" --size "$size"
: >"$work/times"

echo "== the whole health check"
timed "run (all indicators)" "$bin" -q --threads "$threads" run "$city/healthcheck.yaml" --out "$work/out"

echo "== the primitives alone, same inputs (CLI commands)"
z="--zones $city/zones.gpkg --zones-layer community --id code"
t="-q --threads $threads"
# zonal: green coverage (NDVI ≥ 0.3 within 建成区) and population sums (total, 城区)
timed "green-coverage" "$bin" $t green-coverage "$city/image.tif" --red 3 --nir 4 --threshold 0.3 --zones "$city/zones.gpkg" --layer community --id code --mask "$city/boundaries.gpkg" -o "$work/p_green.csv"
timed "zonal population" "$bin" $t zonal "$city/population.tif" --zones "$city/zones.gpkg" --layer community --id code --stats sum -o "$work/p_pop.csv"
# area_share: every land-survey class per zone in one overlay (the run does one overlay per basis)
timed "landuse (TBDLMJ)" "$bin" $t landuse "$city/landuse.gpkg" --layer DLTB --code-field DLBM --area field:TBDLMJ $z -o "$work/p_land1.csv"
timed "landuse (planar)" "$bin" $t landuse "$city/landuse.gpkg" --layer DLTB --code-field DLBM --area planar $z -o "$work/p_land2.csv"
# length_density
timed "road-density" "$bin" $t road-density "$city/roads.gpkg" --mode all $z -o "$work/p_road.csv"
# coverage: the life-circle family (walk, network), SDG 11.2.1/11.7.1, parks, greenways, fire
n=0
for spec in clinic:1000 primary_school:500 middle_school:1000 elderly_care:300 culture:1000 market:500 sports:1000 football:1000; do
  layer="${spec%%:*}"; reach="${spec##*:}"; n=$((n + 1))
  timed "coverage walk $layer" "$bin" $t coverage --facilities "$city/facilities.gpkg" --facility-layer "$layer" --reach "$reach" \
    --network "$city/roads.gpkg" --mode walk $z -o "$work/p_cov$n.csv"
done
timed "coverage walk parks+squares" "$bin" $t coverage --facilities "$city/landuse.gpkg" --facility-layer DLTB --where "DLBM IN ('0810','0810A')" \
  --reach 300 --network "$city/roads.gpkg" --mode walk $z -o "$work/p_cov_ps.csv"
timed "coverage walk open space (pop)" "$bin" $t coverage --facilities "$city/landuse.gpkg" --facility-layer DLTB --where "DLBM IN ('0810','0810A')" \
  --reach 400 --network "$city/roads.gpkg" --mode walk --demand "$city/population.tif" $z -o "$work/p_cov_os.csv"
timed "coverage walk stops.txt (pop)" "$bin" $t coverage --facilities "$city/stops.txt" --reach 500 --network "$city/roads.gpkg" --mode walk \
  --demand "$city/population.tif" $z -o "$work/p_cov_st.csv"
timed "coverage parks tiers (res.)" "$bin" $t coverage --facilities "$city/parks.gpkg" --reach-tiers mohurd --demand "$city/landuse.gpkg" \
  --demand-where "DLBM = '0701'" $z -o "$work/p_cov_pk.csv"
timed "coverage greenways 1 km (res.)" "$bin" $t coverage --facilities "$city/greenways.gpkg" --reach 1000 --demand "$city/landuse.gpkg" \
  --demand-where "DLBM = '0701'" $z -o "$work/p_cov_gw.csv"
timed "coverage fire 5 min drive" "$bin" $t coverage --facilities "$city/facilities.gpkg" --facility-layer fire_station --reach-min 5 \
  --network "$city/roads.gpkg" --mode drive --speeds primary:40,secondary:35,tertiary:30,residential:20 $z -o "$work/p_cov_fire.csv"

echo "== summary"
awk -v size="$size" '
  $1 == "run" { run = $3; run_rss = $NF; next }
  { label = $1; for (i = 2; i < NF - 1; ++i) label = label " " $i; prim += $(NF - 1); if ($NF > prss) prss = $NF; np++ }
  END {
    printf "demo %s km: run %.2f s (peak %.0f MB); %d primitive commands %.2f s in total (largest peak %.0f MB)\n", size, run, run_rss / 1024, np, prim, prss / 1024
    printf "run / sum of primitives = %.3f  (pipeline overhead %+.1f %%; the run shares intermediates such as the walk graph)\n", run / prim, 100 * (run / prim - 1)
  }' <(sed 's/^run (all indicators)/run x/' "$work/times")
python3 - "$work/out/provenance.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
s = p["seconds"]
total = sum(v for k, v in s.items() if not k.startswith("indicator:"))
print("run stages (share of the run's own stage time %.2f s):" % total)
for k in ("zones", "tiling_check", "indicators", "scoring", "outputs"):
    if k in s: print("  %-14s %7.2f s  %5.1f %%" % (k, s[k], 100 * s[k] / total))
ind = sorted(((v, k[10:]) for k, v in s.items() if k.startswith("indicator:")), reverse=True)
print("slowest indicators (each measured alone; they run in parallel):")
for v, k in ind[:8]: print("  %-34s %7.2f s" % (k, v))
print("failed indicators:", p.get("failed_indicators"))
EOF

if [ -n "$big" ]; then
  echo "== demo ${big} km, once, for peak RSS"
  rm -rf "$city" "$work/out"
  : >"$work/times"
  timed "demo ${big} km (generator)" "$bin" -q --threads "$threads" demo "$work/big" --size "$big"
  timed "run ${big} km (all indicators)" "$bin" -q --threads "$threads" run "$work/big/healthcheck.yaml" --out "$work/big_out"
  python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print('failed indicators:', p.get('failed_indicators')); print('stages:', {k: round(v, 1) for k, v in p['seconds'].items() if not k.startswith('indicator:')})" "$work/big_out/provenance.json"
fi
