#!/usr/bin/env bash
# Renders docs/dashboard.png: the Grafana dashboard's main panels for a benchmark run, drawn from
# a real Prometheus that scraped two workers while they served batches from the LM Studio EMULATOR.
#
#   compose/snapshot/snapshot.sh            # about 8 minutes; needs prometheus and python3-matplotlib
#   KEEP=1 compose/snapshot/snapshot.sh     # keeps the logs and Prometheus's data in the work folder
#
# Everything runs on this machine on its own ports (broker 19092, emulators 11234/11235, workers
# 18080/18081, Prometheus 19090), so a dmap started by hand on the default ports is not disturbed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/compose/snapshot"
OUT="${1:-$ROOT/docs/dashboard.png}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dmap-snapshot.XXXXXX")"
BOOTSTRAP=127.0.0.1:19092
TIME_SCALE="${TIME_SCALE:-0.3}"

for port in 19092 19093 11234 11235 18080 18081 19090; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "snapshot: port $port is in use (a previous run still going?)" >&2; exit 2
  fi
done
command -v prometheus >/dev/null || { echo "snapshot: needs prometheus (apt-get install prometheus)" >&2; exit 2; }
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || { echo "snapshot: needs python3-matplotlib" >&2; exit 2; }

pids=()
done_ok=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # the logs stay for a failed run (or with KEEP=1)
  if [ -n "$done_ok" ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

start() { # name, command...
  local name="$1"; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  pids+=($!)
}

wait_for() { # what, url
  for _ in $(seq 1 180); do curl -fsS -o /dev/null "$2" 2>/dev/null && return 0; sleep 1; done
  echo "snapshot: $1 did not come up; see $WORK" >&2; exit 1
}

"$ROOT/dmap" status --help >/dev/null   # builds once, before the pieces start side by side

echo "snapshot: broker, two LM Studio emulators, two workers, Prometheus (logs in $WORK)"
start broker "$ROOT/dmap" broker --port 19092 --controller-port 19093 --data-dir "$WORK/kafka"
models=(--model qwen2.5-7b-instruct:4.7GB:32768 --model meta-llama-3.1-8b-instruct:4.9GB:32768
        --model mistral-7b-instruct-v0.3:4.4GB:32768 --model phi-3.5-mini-instruct:2.4GB:32768)
for i in 0 1; do
  start "sim-$i" "$ROOT/dmap" sim --port $((11234 + i)) --time-scale "$TIME_SCALE" --context-length 4096 \
    --fail-rate 0.02 --drop-rate 0.005 --seed $((7 + i)) "${models[@]}"
done
for _ in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/19092) 2>/dev/null && break; sleep 1; done
(exec 3<>/dev/tcp/127.0.0.1/19092) 2>/dev/null || { echo "snapshot: the broker did not start; see $WORK" >&2; exit 1; }
for i in 0 1; do
  start "worker-$i" "$ROOT/dmap" worker --server.port=$((18080 + i)) --dmap.worker-id="gpu-$((i + 1))" \
    --dmap.kafka.bootstrap-servers=$BOOTSTRAP --dmap.backend.url=http://127.0.0.1:$((11234 + i)) \
    --dmap.batches.state-dir="$WORK/streams-$i" --dmap.backend.gpu-memory=8GB
done
sed -e "s#@RULES@#$ROOT/compose/prometheus/alerts.yml#" "$HERE/prometheus.yml" >"$WORK/prometheus.yml"
start prometheus prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address=127.0.0.1:19090
for i in 0 1; do wait_for "worker $i" "http://127.0.0.1:$((18080 + i))/actuator/health/readiness"; done
wait_for prometheus http://127.0.0.1:19090/-/ready

/usr/bin/python3 "$HERE/batches.py" "$WORK"
start_time="$(date +%s)"
submit() { "$ROOT/dmap" submit -b $BOOTSTRAP --no-progress --batch-id "$1" "$WORK/$1.jsonl"; }
collect() { "$ROOT/dmap" collect -b $BOOTSTRAP --no-progress --batch-id "$1" -o "$WORK/$1.out.jsonl" --timeout 20m || true; }
echo "snapshot: batch snapshot-a (4 models), then snapshot-b two minutes later"
submit snapshot-a
sleep 120
submit snapshot-b
collect snapshot-a
collect snapshot-b
echo "snapshot: batches done; letting the rates settle"
sleep 75
end_time="$(date +%s)"
echo "$start_time $end_time" >"$WORK/range" # to render again from $WORK/tsdb (KEEP=1)
"$ROOT/dmap" status -b $BOOTSTRAP >"$WORK/status.txt" 2>&1 || true

/usr/bin/python3 "$HERE/render.py" --prometheus http://127.0.0.1:19090 --start "$start_time" --end "$end_time" \
  --dashboard "$ROOT/compose/grafana/dashboards/dmap.json" --output "$OUT" \
  --note "$(wc -l <"$WORK/snapshot-a.jsonl") + $(wc -l <"$WORK/snapshot-b.jsonl") requests, 2 workers, LM Studio EMULATOR (dmap sim, time scale $TIME_SCALE, 2% 500s, 0.5% dropped connections)"
echo "snapshot: wrote $OUT"
done_ok=1
