#!/usr/bin/env bash
# JMH with -prof gc (ns/op and B/op) for the edge's per-record path (EdgeRecordBenchmark: line=encoder, noEventId)
# and the indexer's fast path (NormalizerBenchmark), on this tree and on an earlier commit, in one session:
#
#   benchmarks/bench/hotpath-gc.sh [BASE=ea845f5]
#
# The base commit is unpacked into a scratch folder (git archive), the two benchmarks are copied into its benchmarks
# module (with bench/ea845f5/RecordShaper.java where the commit predates RecordShaper), and both trees are built with
# `package` (nothing installed over this tree's artifacts). BUILD_OUT=target-x builds this tree into target-x;
# JMH_ARGS overrides the JMH options; SCRATCH=dir unpacks the base commit there and keeps it (its shipper jars then
# serve as pipeline-vs-pino.sh's BASE_EDGE_JAR/BASE_CENTRAL_JAR). Takes about 10 minutes on 2 cores (two builds, two
# JMH runs of ~1.5 min).
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${1:-ea845f5}
OUT=${BUILD_OUT:-target-hotpath}
JMH_ARGS=${JMH_ARGS:--prof gc -f 1 -wi 3 -i 5 -w 1s -r 1s}
PATTERN='EdgeRecordBenchmark|NormalizerBenchmark'
if [ -n "${SCRATCH:-}" ]; then
  WORK=$SCRATCH
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi

git archive "$BASE" | tar -x -C "$WORK"
[ -d .mvn ] && cp -r .mvn "$WORK/" # the same local repository (offline builds)
mkdir -p "$WORK/benchmarks/src/main/java/io/fabstir/shipper/tail"
cp benchmarks/src/main/java/io/fabstir/shipper/tail/EdgeRecordBenchmark.java \
  "$WORK/benchmarks/src/main/java/io/fabstir/shipper/tail/"
cp benchmarks/src/main/java/io/fabstir/benchmarks/NormalizerBenchmark.java "$WORK/benchmarks/src/main/java/io/fabstir/benchmarks/"
if ! find "$WORK/log-shipper" -name RecordShaper.java | grep -q .; then
  cp benchmarks/bench/ea845f5/RecordShaper.java "$WORK/benchmarks/src/main/java/io/fabstir/shipper/tail/"
fi
if ! grep -q '<artifactId>shipper-edge</artifactId>' "$WORK/benchmarks/pom.xml"; then
  if [ -d "$WORK/log-shipper/edge" ]; then DEPS="shipper-edge shipper-central"; else DEPS="log-shipper"; fi
  for d in $DEPS; do # close otel-bootstrap's <dependency> early and open one for $d, closed by its </dependency>
    sed -i "0,/<artifactId>otel-bootstrap<\/artifactId>/s//<artifactId>otel-bootstrap<\/artifactId><\/dependency><dependency><groupId>io.fabstir<\/groupId><artifactId>$d<\/artifactId><version>\${project.version}<\/version>/" \
      "$WORK/benchmarks/pom.xml"
  done
fi

echo "building $BASE (scratch copy) and this tree ..."
(cd "$WORK" && mvn -B -ntp -q -o -Dbuild.out=target -pl benchmarks -am package -DskipTests)
mvn -B -ntp -q -o -Dbuild.out="$OUT" -pl benchmarks -am package -DskipTests

for side in "$BASE:$WORK/benchmarks/target/benchmarks.jar" "this tree:benchmarks/$OUT/benchmarks.jar"; do
  echo "== ${side%%:*}"
  java -jar "${side#*:}" "$PATTERN" $JMH_ARGS -rf text -rff "$WORK/result.txt" > "$WORK/jmh.log" 2>&1 \
    || { tail -40 "$WORK/jmh.log"; exit 1; }
  grep -E '^Benchmark|·gc.alloc.rate.norm |avgt' "$WORK/result.txt" | grep -v '·gc.alloc.rate  ' || cat "$WORK/result.txt"
done
