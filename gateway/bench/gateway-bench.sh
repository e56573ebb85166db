#!/usr/bin/env bash
# Gateway benchmark (issue 14's targets), side by side in one run on a fresh local broker:
#   1. dmap submit of an N-line file (the baseline) against upload + create + publish through the gateway,
#      alternated ROUNDS times (each a fresh batch of the same file)
#   2. download of a stored file (a BIG_MB input file) with curl, MB/s
#   3. a batch of OUT lines served by a worker and the LM Studio EMULATOR (time scale 0), then its
#      output file downloaded with curl, MB/s
#   4. the gateway's heap (jstat, sampled every 100 ms) while the BIG_MB file is uploaded and downloaded
#      and while the output is downloaded
# Usage: bash gateway/bench/gateway-bench.sh [N=100000] [BIG_MB=200] [OUT=50000] [ROUNDS=3]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-100000}"; BIG_MB="${2:-200}"; OUT="${3:-50000}"; ROUNDS="${4:-3}"
WORK="$(mktemp -d)"; KAFKA_PORT=19492; HTTP_PORT=18490; SIM_PORT=18491
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$ROOT"
python3 examples/make-batch.py "$N" > "$WORK/n.jsonl"
python3 examples/make-batch.py $((BIG_MB * 1024 * 1024 / 306)) > "$WORK/big.jsonl"
python3 examples/make-batch.py "$OUT" > "$WORK/out.jsonl"
./dmap broker --port $KAFKA_PORT --controller-port $((KAFKA_PORT + 1)) --data-dir "$WORK/kafka" > "$WORK/broker.log" 2>&1 &
until grep -q -i "ready\|listening" "$WORK/broker.log" 2>/dev/null; do sleep 1; done
echo "sk-bench bench" > "$WORK/keys"
DMAP_GATEWAY_JAVA_OPTS="-Xmx256m" ./dmap gateway --port $HTTP_PORT --bootstrap-servers 127.0.0.1:$KAFKA_PORT \
  --api-keys-file "$WORK/keys" --dir "$WORK/gw" --max-batch-lines "$N" > "$WORK/gateway.log" 2>&1 &
until curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/v1/files"; do sleep 1; done
GW_PID="$(pgrep -f "dev.dmap.gateway.app.GatewayApplication --port $HTTP_PORT")"
AUTH="Authorization: Bearer sk-bench"; URL="http://127.0.0.1:$HTTP_PORT/v1"
now() { date +%s.%N; }
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)'"$1"')'; }
create() {
  curl -s -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"input_file_id\":\"$1\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}" "$URL/batches" | field '["id"]'
}

submits=(); gateways=()
for round in $(seq "$ROUNDS"); do
  t0=$(now); ./dmap submit "$WORK/n.jsonl" -b 127.0.0.1:$KAFKA_PORT --no-progress > /dev/null 2>&1; t1=$(now)
  submits+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now)
  file_id=$(curl -s -H "$AUTH" -F purpose=batch -F "file=@$WORK/n.jsonl" "$URL/files" | field '["id"]')
  batch_id=$(create "$file_id")
  # published: no longer validating (its counts come later, from a worker's batch tracker; none runs yet)
  until [ "$(curl -s -H "$AUTH" "$URL/batches/$batch_id" | field '["status"]')" != validating ]; do sleep 0.1; done
  t1=$(now); gateways+=("$(echo "$t1 - $t0" | bc)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
submit_s=$(median "${submits[@]}"); gateway_s=$(median "${gateways[@]}")

heap_kb() { jstat -gc "$GW_PID" | awk 'NR==2 {print int($3+$4+$6+$8)}'; }  # S0U S1U EU OU
sample() { : > "$WORK/heap"; while kill -0 "$1" 2>/dev/null; do heap_kb >> "$WORK/heap"; sleep 0.1; done; }
idle_kb=$(heap_kb)
t0=$(now)
curl -s -H "$AUTH" -F purpose=batch -F "file=@$WORK/big.jsonl" "$URL/files" > "$WORK/big.json" & up=$!
sample $up; wait $up; t1=$(now)
upload_peak=$(sort -n "$WORK/heap" | tail -1); upload_s=$(echo "$t1 - $t0" | bc)
big_id=$(field '["id"]' < "$WORK/big.json")
curl -s -H "$AUTH" -o "$WORK/down" -w '%{speed_download}\n' "$URL/files/$big_id/content" > "$WORK/speed" & down=$!
sample $down; wait $down
download_peak=$(sort -n "$WORK/heap" | tail -1)
speed_mb=$(echo "scale=1; $(cat "$WORK/speed") / 1048576" | bc)
cmp -s "$WORK/down" "$WORK/big.jsonl" && same=yes || same=NO
big_mb=$(echo "scale=1; $(stat -c %s "$WORK/big.jsonl") / 1048576" | bc)

# A served batch: a fresh topic prefix so the earlier rounds' requests stay unserved.
./dmap sim --port $SIM_PORT --time-scale 0 --slots 16 > "$WORK/sim.log" 2>&1 &
DMAP_GATEWAY_JAVA_OPTS="-Xmx256m" ./dmap gateway --port $((HTTP_PORT + 2)) --bootstrap-servers 127.0.0.1:$KAFKA_PORT \
  --api-keys-file "$WORK/keys" --dir "$WORK/gw-served" --topic-prefix served --max-batch-lines "$N" > "$WORK/gateway-served.log" 2>&1 &
./dmap worker --dmap.kafka.bootstrap-servers=127.0.0.1:$KAFKA_PORT --dmap.backend.url=http://127.0.0.1:$SIM_PORT \
  --dmap.topic-prefix=served --dmap.batches.state-dir="$WORK/streams" --server.port=0 > "$WORK/worker.log" 2>&1 &
URL="http://127.0.0.1:$((HTTP_PORT + 2))/v1"
until curl -s -o /dev/null "$URL/files"; do sleep 1; done
SERVED_PID="$(pgrep -f "dev.dmap.gateway.app.GatewayApplication --port $((HTTP_PORT + 2))")"
t0=$(now)
served_id=$(create "$(curl -s -H "$AUTH" -F purpose=batch -F "file=@$WORK/out.jsonl" "$URL/files" | field '["id"]')")
until [ "$(curl -s -H "$AUTH" "$URL/batches/$served_id" | field '["status"]')" = completed ]; do sleep 1; done
t1=$(now); served_s=$(echo "$t1 - $t0" | bc)
output_id=$(curl -s -H "$AUTH" "$URL/batches/$served_id" | field '["output_file_id"]')
GW_PID=$SERVED_PID; served_idle_kb=$(heap_kb)
curl -s -H "$AUTH" -o "$WORK/output.jsonl" -w '%{speed_download}\n' "$URL/files/$output_id/content" > "$WORK/speed" & down=$!
sample $down; wait $down
output_peak=$(sort -n "$WORK/heap" | tail -1)
output_speed=$(echo "scale=1; $(cat "$WORK/speed") / 1048576" | bc)
output_lines=$(wc -l < "$WORK/output.jsonl"); output_mb=$(echo "scale=1; $(stat -c %s "$WORK/output.jsonl") / 1048576" | bc)

echo "| measure | value |"
echo "|---|---|"
echo "| dmap submit, $N lines (median of $ROUNDS: ${submits[*]}) | ${submit_s} s |"
echo "| gateway upload + create + published, $N lines (median of $ROUNDS: ${gateways[*]}) | ${gateway_s} s ($(echo "scale=2; $gateway_s / $submit_s" | bc)x submit) |"
echo "| upload of a ${big_mb} MB file | ${upload_s} s |"
echo "| download of it (curl, loopback; bytes equal: $same) | ${speed_mb} MB/s |"
echo "| gateway heap used (-Xmx256m): idle / peak uploading / peak downloading | $((idle_kb / 1024)) / $((upload_peak / 1024)) / $((download_peak / 1024)) MB |"
echo "| a $OUT-line batch served (emulator, time scale 0): upload to completed with its files stored | ${served_s} s |"
echo "| download of its output file (${output_lines} lines, ${output_mb} MB) | ${output_speed} MB/s |"
echo "| that gateway's heap used: idle / peak downloading the output | $((served_idle_kb / 1024)) / $((output_peak / 1024)) MB |"
