# Sourced by the agent benchmarks (run from the repository root): the two agent jars, the API jars the bench app
# compiles against, the compiled AgentBench in $WORK, the JVM options both agents run with, and median().
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
