#!/usr/bin/env bash
# Runs every benchmark once, in sequence, with its defaults (about 8 min on 2 cores).
# Not part of `npm test`: benchmarks measure, they do not pass or fail a build.
# Each bench also runs alone with its own flags: `npx tsx bench/<name>.ts --help`.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
ensure_deps
bash "$ROOT/scripts/install-k6.sh"
cd "$ROOT"

echo "k6-fleet bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for bench in throughput percentiles start-skew memory; do
  echo "== bench/$bench.ts" >&2
  npx tsx "bench/$bench.ts"
done
if [ -f bench/sinks.ts ]; then
  echo "== bench/sinks.ts" >&2
  npx tsx bench/sinks.ts
fi
# The watcher over 100 / 1,000 simulated runners, on a folder and on moto S3 (issue 11).
bash "$ROOT/scripts/install-moto.sh"
echo "== bench/watcher-scale.ts" >&2
npx tsx bench/watcher-scale.ts
echo "k6-fleet bench: done $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
