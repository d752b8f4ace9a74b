#!/usr/bin/env bash
# Sets up, builds, writes the demo city and runs the main job on it.
# Usage: scripts/demo.sh [DEMO_DIR]   (default: ./demo-city)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
demo="${1:-$root/demo-city}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" "$root/build"
cc="$root/build/cli/citycheck"
"$cc" --version
"$cc" demo "$demo"
bash "$root/scripts/main-job.sh" "$cc" "$demo"
