#!/usr/bin/env bash
# Start-up only, more variants than run-agent-bench.sh (not a test): the official agent, fabstir-otel-agent.jar,
# the same with the HTTP endpoints off, with HTTP and GPU off, and with the dashboard on, interleaved; BASELINE_JAR=<another
# fabstir-otel-agent.jar> adds that build too (e.g. the previous commit's, to compare a change).
# Needs: mvn -Dbuild.out=target-agent -pl otel-agent -am package -DskipTests
# Usage: otel-agent/bench/run-startup-variants.sh [runs per variant, default 15]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-15}
# shellcheck source=bench-env.sh
source otel-agent/bench/bench-env.sh

declare -A ARGS=(
  [official]="-javaagent:$OFFICIAL"
  [fabstir]="-javaagent:$FABSTIR"
  [fabstir_http_off]="-javaagent:$FABSTIR -Dfabstir.http.enabled=false"
  [fabstir_http_gpu_off]="-javaagent:$FABSTIR -Dfabstir.http.enabled=false -Dfabstir.gpu.enabled=false"
  [fabstir_dashboard]="-javaagent:$FABSTIR -Dfabstir.dashboard.enabled=true"
)
NAMES=(official fabstir fabstir_http_off fabstir_http_gpu_off fabstir_dashboard)
if [ -n "${BASELINE_JAR:-}" ]; then ARGS[baseline]="-javaagent:$BASELINE_JAR"; NAMES+=(baseline); fi

for i in $(seq "$RUNS"); do
  for n in "${NAMES[@]}"; do
    # shellcheck disable=SC2086 # ARGS values are option lists
    echo "$n $(java -Dbench.t0="$(date +%s%3N)" ${ARGS[$n]} "${COMMON_OPTS[@]}" AgentBench startup 2>/dev/null)" >> "$WORK/all"
  done
done
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); $RUNS runs per variant, interleaved; medians"
O_WALL=$(awk '$1=="official"{print $2}' "$WORK/all" | median)
O_CPU=$(awk '$1=="official"{print $3}' "$WORK/all" | median)
for n in "${NAMES[@]}"; do
  W=$(awk -v n="$n" '$1==n{print $2}' "$WORK/all" | median)
  C=$(awk -v n="$n" '$1==n{print $3}' "$WORK/all" | median)
  awk -v n="$n" -v w="$W" -v c="$C" -v ow="$O_WALL" -v oc="$O_CPU" 'BEGIN{printf "  %-22s wall %5d ms (%+.1f %%)   CPU by main() %5d ms (%+.1f %%)\n", n, w, (w-ow)*100/ow, c, (c-oc)*100/oc}'
done
