#!/usr/bin/env bash
# Agent benchmark (not a test): start-up time and per-span cost of the official OpenTelemetry agent alone vs
# fabstir-otel-agent.jar (same agent + Fabstir extension), interleaved in one run on the same machine.
# Needs: mvn -Dbuild.out=target-agent -pl otel-agent -am package -DskipTests (builds the Fabstir agent jar).
# Usage: otel-agent/bench/run-agent-bench.sh [startup runs, default 9] [spans per round, default 200000]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-9}
SPANS=${2:-200000}
BUILD=${BUILD_OUT:-target-agent}
M2=${M2_REPO:-$HOME/.m2/repository}
AGENT_VERSION=$(sed -n 's:.*<opentelemetry-javaagent.version>\(.*\)</opentelemetry-javaagent.version>.*:\1:p' pom.xml)
OTEL_VERSION=$(sed -n 's:.*<opentelemetry.version>\(.*\)</opentelemetry.version>.*:\1:p' pom.xml)
OFFICIAL=$M2/io/opentelemetry/javaagent/opentelemetry-javaagent/$AGENT_VERSION/opentelemetry-javaagent-$AGENT_VERSION.jar
FABSTIR=otel-agent/$BUILD/fabstir-otel-agent.jar
API=$M2/io/opentelemetry/opentelemetry-api/$OTEL_VERSION/opentelemetry-api-$OTEL_VERSION.jar
CTX=$M2/io/opentelemetry/opentelemetry-context/$OTEL_VERSION/opentelemetry-context-$OTEL_VERSION.jar
COMMON=$M2/io/opentelemetry/opentelemetry-common/$OTEL_VERSION/opentelemetry-common-$OTEL_VERSION.jar
for f in "$OFFICIAL" "$FABSTIR" "$API" "$CTX"; do [ -f "$f" ] || { echo "missing $f" >&2; exit 1; }; done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CP="$WORK:$API:$CTX:$COMMON"
javac -d "$WORK" -cp "$CP" otel-agent/bench/AgentBench.java

# As operators run it: OTLP traces and metrics on (to a closed local port: no collector, so no network time),
# which puts the metrics SDK in both. The extension runs with its defaults (HTTP endpoints on, NVML probed:
# no GPU on this machine, so the sampler idles).
COMMON_OPTS=(-Xmx256m -Dotel.exporter.otlp.endpoint=http://127.0.0.1:9 -Dotel.logs.exporter=none
  -Dotel.javaagent.logging=none -Dfabstir.http.port=0 -cp "$CP")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

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
