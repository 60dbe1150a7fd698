#!/usr/bin/env bash
# Runs a benchmark: each compares a plugin with the raw client or SDK doing the same work, in one run on this
# machine (smt-accuracy instead scores the anomaly detectors on NAB's labelled series by NAB's rules), and prints
# one result line last.
#
#   bench/run.sh mqtt-source [--messages N] [--rounds R] [--partitions P] [--converter json]
#       -> mqtt-source: connector <N> msg/s, raw <M> msg/s, ratio <R>
#   bench/run.sh mqtt-source --converter avro [--messages N] [--rounds R] [--partitions P]
#       (AvroConverter against JsonConverter, with a real Apicurio Registry; the line before counts its calls)
#       -> mqtt-source avro: connector <N> msg/s, json <M> msg/s, ratio <R>
#   bench/run.sh smt [--devices N] [--forks F]
#       -> smt: chain <N> ns/record, InsertField <M> ns/record, ratio <R>
#   bench/run.sh cosmos-sink [--documents N] [--rounds R] [--batch B] [--warmups W] [--tasks T] [--values json|text] [--profile]
#       -> cosmos-sink: connector <N> docs/s, raw SDK <M> docs/s, ratio <R>
#   bench/run.sh datalake-sink [--records N] [--rounds R] [--warmups W] [--tasks T] [--rotate N] [--profile]
#       -> datalake-sink: connector <N> rec/s, raw SDK <M> rec/s, ratio <R>
#   bench/run.sh iothub-source [--events N] [--rounds R] [--warmups W] [--partitions P] [--tasks T] [--eos] [--profile] [--jfr]
#       -> iothub-source: connector <N> ev/s, raw SDK <M> ev/s, ratio <R>
#   bench/run.sh smt-accuracy [--detectors SPEC] [--config key=value]... [--format struct|map] [--score episode|likelihood|score|flag] [--data DIR] [--files]
#       -> smt-accuracy: standard <S>, low-FP <F>, low-FN <N>, windows detected <d>/<w>, false alarms per 1000 rows <r>
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: bench/run.sh <benchmark> [options]" >&2
  echo "benchmarks: mqtt-source, smt, cosmos-sink, datalake-sink, iothub-source, smt-accuracy" >&2
  exit 2
}
[[ $# -ge 1 ]] || usage
name=$1
shift

case $name in
  mqtt-source) main=io.iotconnect.bench.MqttSourceBenchmark ;;
  smt) main=io.iotconnect.bench.smt.SmtBenchmark ;;
  cosmos-sink) main=io.iotconnect.bench.cosmos.CosmosSinkBenchmark ;;
  datalake-sink) main=io.iotconnect.bench.datalake.DataLakeSinkBenchmark ;;
  iothub-source) main=io.iotconnect.bench.iothub.IotHubSourceBenchmark ;;
  smt-accuracy) main=io.iotconnect.bench.accuracy.SmtAccuracyBenchmark ;;
  *) usage ;;
esac

if [[ ${BENCH_REBUILD:-false} == true ]] || ! ls bench/target/lib/*.jar >/dev/null 2>&1; then
  echo "Building the benchmarks (mvn package -DskipTests) ..." >&2
  mvn -q -B package -DskipTests -pl bench -am >&2
fi

exec java -Xmx2g -Dlog4j2.configurationFile=classpath:log4j2.xml -Dbench.log=bench/target/bench.log \
  -cp "bench/target/lib/*:$(ls bench/target/bench-*.jar | head -1)" "$main" "$@"
