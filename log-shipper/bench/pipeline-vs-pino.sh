#!/usr/bin/env bash
# CPU per record of `tail` + `index` (the shipped jars, through Kafka) against pino-elasticsearch (file on stdin),
# the same file of encoder-format job records into the same local Elasticsearch. Run from anywhere:
#
#   log-shipper/bench/pipeline-vs-pino.sh [records=600000] [rounds=2]
#
# Needs a JDK 17+, Maven, node and npm. pino-elasticsearch is installed once into $PEER_DIR (default
# ${TMPDIR:-/tmp}/fabstir-peer-pino), outside the repository. BUILD_OUT=target-x builds into target-x (a parallel
# build's own folder); SKIP_BUILD=1 uses the jars already built; BENCH_JVM="-XX:+UseSerialGC ..." adds JVM flags to
# tail and index; BENCH_JFR=DIR records a JFR profile of each of our processes into DIR; BASE_EDGE_JAR and
# BASE_CENTRAL_JAR add another build of the two jars (e.g. an earlier commit's), run as "before" in every round
# (benchmarks/bench/hotpath-gc.sh with SCRATCH=dir leaves ea845f5's single jar, for both, in
# dir/log-shipper/target/fabstir-shipper.jar); BENCH_EXTRA_CP appends to the harness's class path.
set -euo pipefail
cd "$(dirname "$0")/../.."
RECORDS=${1:-600000}
ROUNDS=${2:-2}
OUT=${BUILD_OUT:-target}
PEER_DIR=${PEER_DIR:-${TMPDIR:-/tmp}/fabstir-peer-pino}
PINO_VERSION=9.0.0

command -v node >/dev/null || { echo "node is needed for the peer (pino-elasticsearch)" >&2; exit 1; }
CLI=$PEER_DIR/node_modules/pino-elasticsearch/cli.js
if [ ! -f "$CLI" ]; then
  mkdir -p "$PEER_DIR"
  (cd "$PEER_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund --loglevel=error "pino-elasticsearch@$PINO_VERSION")
fi

if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -ntp -q -Dbuild.out="$OUT" -pl log-shipper/edge,log-shipper/central -am install -DskipTests
fi
CP_FILE=log-shipper/central/$OUT/bench.cp
mvn -B -ntp -q -o -Dbuild.out="$OUT" -pl log-shipper/central dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$CP_FILE"
# local-services installs its analysis shim plugin from classes that implement Elasticsearch's plugin API, a
# provided dependency there and so not on this class path: add it here.
SHIM_CP_FILE=log-shipper/central/$OUT/bench-shim.cp
mvn -B -ntp -q -o -pl local-services dependency:build-classpath \
  -Dmdep.includeScope=provided -Dmdep.outputFile="$PWD/$SHIM_CP_FILE" \
  -DincludeArtifactIds=elasticsearch-plugin-api,elasticsearch-plugin-analysis-api,lucene-core,lucene-analysis-common

LABEL=ours
[ -n "${BASE_EDGE_JAR:-}" ] && LABEL=after
exec java -Xmx1g -Dbench.jvm="${BENCH_JVM:-}" ${BENCH_JFR:+-Dbench.jfr="$BENCH_JFR"} \
  -Dbench.out="log-shipper/central/$OUT/pipeline-cpu.md" \
  -cp "log-shipper/central/$OUT/test-classes:log-shipper/central/$OUT/classes:$(cat "$CP_FILE"):$(cat "$SHIM_CP_FILE")${BENCH_EXTRA_CP:+:$BENCH_EXTRA_CP}" \
  io.fabstir.shipper.index.PipelineCpuBenchmark "$RECORDS" "$ROUNDS" "$CLI" \
  ${BASE_EDGE_JAR:+"before=$BASE_EDGE_JAR,$BASE_CENTRAL_JAR"} \
  "$LABEL=log-shipper/edge/$OUT/fabstir-shipper-edge.jar,log-shipper/central/$OUT/fabstir-shipper-central.jar"
