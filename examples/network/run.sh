#!/usr/bin/env bash
# Three local nodes that federate in a line, A - B - C: A and C each pull from B, B pulls
# from both, and every node follows all three feeds. A write at A reaches C through B.
# Prints each node's GraphiQL URL and an admin token; Ctrl-C stops all three.
#
#   make run-network                      # data in ./vf-network, ports 8081-8083
#   NETWORK_DIR=/tmp/net BASE_PORT=9000 make run-network
set -euo pipefail

BIN=${NODE_BIN:-./target/release/vf-node}
DIR=${NETWORK_DIR:-./vf-network}
BASE=${BASE_PORT:-8081}
NAMES=(a b c)

declare -A PORT DID
for i in 0 1 2; do
  n=${NAMES[$i]}
  PORT[$n]=$((BASE + i))
  mkdir -p "$DIR/$n"
  # `init` is idempotent: it keeps an existing key and database, and prints the DID last.
  DID[$n]=$("$BIN" init --data-dir "$DIR/$n" --name "Node ${n^^}" | tail -1)
done

url() { echo "http://127.0.0.1:${PORT[$1]}"; }
follow=(--follow "${DID[a]}" --follow "${DID[b]}" --follow "${DID[c]}")

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "stopping the network"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

start() {
  local n=$1; shift
  VF_FEDERATION__INTERVAL_SECS=${VF_FEDERATION__INTERVAL_SECS:-5} \
    "$BIN" serve --data-dir "$DIR/$n" --listen "127.0.0.1:${PORT[$n]}" "$@" "${follow[@]}" \
    >"$DIR/$n/node.log" 2>&1 &
  pids+=($!)
}
start a --peer "$(url b)"
start b --peer "$(url a)" --peer "$(url c)"
start c --peer "$(url b)"

for n in "${NAMES[@]}"; do
  for _ in $(seq 1 100); do
    curl -fsS "$(url "$n")/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "$(url "$n")/health" >/dev/null 2>&1 || { echo "node ${n^^} did not start: see $DIR/$n/node.log"; exit 1; }
done

echo "three nodes federating, A - B - C (logs in $DIR/<node>/node.log)"
for n in "${NAMES[@]}"; do
  echo
  echo "node ${n^^}  ${DID[$n]}"
  echo "  GraphiQL:    $(url "$n")/graphql"
  echo "  admin token: $("$BIN" token --data-dir "$DIR/$n" --scope admin)"
done
echo
echo "Ctrl-C stops the network."
wait
