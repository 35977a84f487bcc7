#!/usr/bin/env bash
# Start-up only, more variants than run-agent-bench.sh (not a test): the official agent, fabstir-otel-agent.jar,
# the same with the HTTP endpoints off, and with HTTP and GPU off, interleaved; BASELINE_JAR=<another
# fabstir-otel-agent.jar> adds that build too (e.g. the previous commit's, to compare a change).
# Needs: mvn -Dbuild.out=target-agent -pl otel-agent -am package -DskipTests
# Usage: otel-agent/bench/run-startup-variants.sh [runs per variant, default 15]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-15}
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
OPTS=(-Xmx256m -Dotel.exporter.otlp.endpoint=http://127.0.0.1:9 -Dotel.logs.exporter=none
  -Dotel.javaagent.logging=none -Dfabstir.http.port=0 -cp "$CP")

declare -A ARGS=(
  [official]="-javaagent:$OFFICIAL"
  [fabstir]="-javaagent:$FABSTIR"
  [fabstir_http_off]="-javaagent:$FABSTIR -Dfabstir.http.enabled=false"
  [fabstir_http_gpu_off]="-javaagent:$FABSTIR -Dfabstir.http.enabled=false -Dfabstir.gpu.enabled=false"
)
NAMES=(official fabstir fabstir_http_off fabstir_http_gpu_off)
if [ -n "${BASELINE_JAR:-}" ]; then ARGS[baseline]="-javaagent:$BASELINE_JAR"; NAMES+=(baseline); fi

for i in $(seq "$RUNS"); do
  for n in "${NAMES[@]}"; do
    # shellcheck disable=SC2086 # ARGS values are option lists
    echo "$n $(java -Dbench.t0="$(date +%s%3N)" ${ARGS[$n]} "${OPTS[@]}" AgentBench startup 2>/dev/null)" >> "$WORK/all"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); $RUNS runs per variant, interleaved; medians"
O_WALL=$(awk '$1=="official"{print $2}' "$WORK/all" | median)
O_CPU=$(awk '$1=="official"{print $3}' "$WORK/all" | median)
for n in "${NAMES[@]}"; do
  W=$(awk -v n="$n" '$1==n{print $2}' "$WORK/all" | median)
  C=$(awk -v n="$n" '$1==n{print $3}' "$WORK/all" | median)
  awk -v n="$n" -v w="$W" -v c="$C" -v ow="$O_WALL" -v oc="$O_CPU" 'BEGIN{printf "  %-22s wall %5d ms (%+.1f %%)   CPU by main() %5d ms (%+.1f %%)\n", n, w, (w-ow)*100/ow, c, (c-oc)*100/oc}'
done
