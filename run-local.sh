#!/usr/bin/env bash
# Runs the whole iot-connect pipeline on this machine, without Docker: builds what is missing, then starts a KRaft
# broker, a distributed Kafka Connect worker with the plugin archives on its plugin.path, an MQTT broker, a local
# Cosmos DB server, a local Data Lake (ADLS Gen2) endpoint, a local IoT Hub (Event Hubs-compatible) endpoint and MQTT
# and IoT Hub device simulators, applies connect-config/ over REST, shows live progress, and ends with a
# summary whose checks set the exit status (0: nothing lost, no sink stalled, every task RUNNING).
#
#   ./run-local.sh [run] [--duration SECONDS] [--rate MESSAGES_PER_SECOND] [--devices N] [--iothub-devices N] [--avro] [--rebuild]
#   ./run-local.sh status | stop | restart worker | restart kafka      (from another terminal)
#
# --avro: the values in Avro instead of schemaless JSON. It also starts a schema registry (Apicurio Registry, in memory,
# on a free port), puts Apicurio's AvroConverter on the worker's plugin.path, applies connect-config/ with
# apply.mjs --avro <the registry's URL>, and adds the registry's subjects and their versions to the summary and status.
#
# Everything listens on 127.0.0.1: Kafka 9092, Connect 8083, MQTT 1883, Cosmos DB 8081, Data Lake 10000, IoT Hub 5672, or free
# ports where those are taken. The Connect REST API wants a login: user iot-connect, with a password drawn at every start
# into .local-stack/connect-credentials.properties (owner-only):
#   curl -u "$(tr = : < .local-stack/connect-credentials.properties)" http://127.0.0.1:8083/connectors
# One stack at a time per checkout: a second run refuses and changes nothing. State and logs are in
# .local-stack/ (logs/launcher.log, kafka.log, connect.log, mosquitto.log, cosmosdb.log; the lake's files in lake/). Needs JDK 17, Maven and
# Node.js. Ctrl-C (or the end of --duration, counted from when the devices start) prints the summary and stops all.
set -euo pipefail
cd "$(dirname "$0")"

rebuild=false
args=()
for arg in "$@"; do
  if [[ $arg == --rebuild ]]; then rebuild=true; else args+=("$arg"); fi
done

for tool in java mvn node; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run-local.sh: $tool is required but not installed" >&2; exit 2; }
done

if $rebuild || ! ls local-stack/target/lib/*.jar local-stack/runtime/target/lib/*.jar >/dev/null 2>&1 \
    || ! ls mqtt-source-connector/target/mqtt-source-connector-*.zip >/dev/null 2>&1 \
    || ! ls datalake-sink-connector/target/datalake-sink-connector-*.zip >/dev/null 2>&1 \
    || ! ls iothub-source-connector/target/iothub-source-connector-*.zip >/dev/null 2>&1 \
    || ! ls local-stack/avro-converter/target/apicurio-avro-converter/*.jar >/dev/null 2>&1 \
    || ! ls local-stack/target/lib/azure-messaging-eventhubs-*.jar >/dev/null 2>&1; then
  echo "Building the plugins and the local stack (mvn package -DskipTests) ..."
  mvn -q -B package -DskipTests -pl local-stack -am
fi

# The launcher runs in a session of its own, so Ctrl-C reaches only this script, not the broker, worker and servers it
# started: the script passes it on as SIGTERM, and the launcher drains, prints the summary and stops them in order.
setsid java -Xmx512m -Dlocalstack.log=.local-stack/logs/launcher.log -Dlog4j2.configurationFile=classpath:log4j2.xml \
  -cp "local-stack/target/lib/*:$(ls local-stack/target/local-stack-*.jar | head -1)" \
  io.iotconnect.localstack.LocalStack ${args[@]+"${args[@]}"} &
launcher=$!
trap 'kill -TERM "$launcher" 2>/dev/null || true' INT TERM
status=0
while true; do
  wait "$launcher" && status=0 || status=$?
  kill -0 "$launcher" 2>/dev/null || break
done
exit "$status"
