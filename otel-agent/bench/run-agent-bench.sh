#!/usr/bin/env bash
# Agent benchmark (not a test): start-up time and per-span cost of the official OpenTelemetry agent alone vs
# fabstir-otel-agent.jar (same agent + Fabstir extension), interleaved in one run on the same machine.
# Needs: mvn -Dbuild.out=target-agent -pl otel-agent -am package -DskipTests (builds the Fabstir agent jar).
# Usage: otel-agent/bench/run-agent-bench.sh [startup runs, default 9] [spans per round, default 200000]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-9}
SPANS=${2:-200000}
# shellcheck source=bench-env.sh
source otel-agent/bench/bench-env.sh

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "startup = launch to main(), $RUNS runs each, interleaved (ms, median)"
: > "$WORK/none"; : > "$WORK/official"; : > "$WORK/fabstir"
for i in $(seq "$RUNS"); do
  java -Dbench.t0="$(date +%s%3N)" "${COMMON_OPTS[@]}" AgentBench startup >> "$WORK/none"
  java -Dbench.t0="$(date +%s%3N)" -javaagent:"$OFFICIAL" "${COMMON_OPTS[@]}" AgentBench startup 2>/dev/null >> "$WORK/official"
  java -Dbench.t0="$(date +%s%3N)" -javaagent:"$FABSTIR" "${COMMON_OPTS[@]}" AgentBench startup 2>/dev/null >> "$WORK/fabstir"
done
col() { awk -v c="$1" '{print $c}' "$2" | median; }
all() { awk -v c="$1" '{print $c}' "$2" | sort -n | tr '\n' ' '; }
for c in 1 2; do
  [ "$c" = 1 ] && echo " wall time, launch to main():" || echo " CPU time by main() (all threads):"
  N=$(col $c "$WORK/none"); O=$(col $c "$WORK/official"); F=$(col $c "$WORK/fabstir")
  echo "  no agent:         $N ms"
  echo "  official agent:   $O ms   (runs: $(all $c "$WORK/official"))"
  echo "  fabstir agent:    $F ms   (runs: $(all $c "$WORK/fabstir"))"
  echo "  added by the extension: $(awk -v o="$O" -v f="$F" 'BEGIN{printf "%.0f ms, %.1f %%", f-o, (f-o)*100/o}')"
done

# Per span: JVMs run to the end of the rounds; halt() again skips the exporter's shutdown retries.
echo "per span: $SPANS spans x 5 rounds after warm-up, 3 JVMs each, interleaved (ns/span, median of 15 rounds)"
for name in http.request job.process; do
  : > "$WORK/o"; : > "$WORK/f"
  for i in 1 2 3; do
    java -javaagent:"$OFFICIAL" "${COMMON_OPTS[@]}" AgentBench spans "$name" "$SPANS" 2>/dev/null | tr ' ' '\n' >> "$WORK/o"
    java -javaagent:"$FABSTIR" "${COMMON_OPTS[@]}" AgentBench spans "$name" "$SPANS" 2>/dev/null | tr ' ' '\n' >> "$WORK/f"
  done
  o=$(median < "$WORK/o"); f=$(median < "$WORK/f")
  echo "  span '$name': official $o ns, fabstir $f ns (added $(awk -v o="$o" -v f="$f" 'BEGIN{printf "%.1f", f-o}') ns)"
done
# Job spans with GPU readings: the NVML stub from the tests as a 2-GPU host (7 attributes at start, 7 at end).
if command -v gcc >/dev/null; then
  gcc -shared -fPIC -O2 -o "$WORK/libnvidia-ml.so" otel-bootstrap/src/test/resources/nvml/stub_nvml.c
  : > "$WORK/o"; : > "$WORK/f"
  for i in 1 2 3; do
    java -javaagent:"$OFFICIAL" "${COMMON_OPTS[@]}" AgentBench spans job.process "$SPANS" 2>/dev/null | tr ' ' '\n' >> "$WORK/o"
    java -javaagent:"$FABSTIR" -Dfabstir.gpu.nvml.library="$WORK/libnvidia-ml.so" "${COMMON_OPTS[@]}" \
      AgentBench spans job.process "$SPANS" 2>/dev/null | tr ' ' '\n' >> "$WORK/f"
  done
  o=$(median < "$WORK/o"); f=$(median < "$WORK/f")
  echo "  span 'job.process', 2 GPUs (NVML stub): official $o ns, fabstir $f ns (added $(awk -v o="$o" -v f="$f" 'BEGIN{printf "%.1f", f-o}') ns)"
fi
