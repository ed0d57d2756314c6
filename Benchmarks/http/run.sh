#!/usr/bin/env bash
# The HTTP load benchmark: 64 connections, 80% reads of a 100-message page and 20% appends, for DURATION seconds
# (default 20), against `session-store serve` and against the JSON store's strategy behind Node, each on a
# workspace of one 1,000-message session. Needs wrk and node. Run from the repository: bash Benchmarks/http/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-20}
for tool in wrk node; do
    command -v "$tool" >/dev/null || { echo "run.sh needs $tool (Debian: apt-get install -y wrk nodejs)" >&2; exit 1; }
done
scratch=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT

swift build -c release --product session-store >/dev/null
tool=$(swift build -c release --show-bin-path)/session-store
python3 Benchmarks/http/seed.py "$scratch/legacy" 1000
cp -r "$scratch/legacy" "$scratch/json"
"$tool" import "$scratch/legacy" --db "$scratch/bench.sqlite" >/dev/null

"$tool" serve --db "$scratch/bench.sqlite" --port 18181 >/dev/null 2>&1 &
node Benchmarks/http/json-store-server.js "$scratch/json" 18182 &
sleep 2

echo "session-store serve: $(wrk -t2 -c64 -d"${duration}"s -s Benchmarks/http/mixed.lua http://127.0.0.1:18181 | tail -1)"
echo "JSON store on Node:  $(wrk -t2 -c64 -d"${duration}"s -s Benchmarks/http/mixed.lua http://127.0.0.1:18182 | tail -1)"
