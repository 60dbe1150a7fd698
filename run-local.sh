#!/usr/bin/env bash
# Runs the whole iot-connect pipeline on this machine, without Docker: builds what is missing, then starts a KRaft
# broker (127.0.0.1:9092), a distributed Kafka Connect worker (REST on 127.0.0.1:8083) with the plugin archives on its
# plugin.path, an MQTT broker, and a device simulator, applies connect-config/ over REST and shows live progress.
#
#   ./run-local.sh [--duration SECONDS] [--rate MESSAGES_PER_SECOND] [--devices N] [--rebuild]
#
# Needs JDK 17, Maven and Node.js. Ctrl-C (or the end of --duration) stops everything and prints a summary.
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

if $rebuild || ! ls local-stack/target/lib/*.jar >/dev/null 2>&1 || ! ls mqtt-source-connector/target/mqtt-source-connector-*.zip >/dev/null 2>&1; then
  echo "Building the plugins and the local stack (mvn package -DskipTests) ..."
  mvn -q -B package -DskipTests -pl local-stack -am
fi

exec java -Xmx512m -Dlocalstack.log=.local-stack/logs/launcher.log -Dlog4j2.configurationFile=classpath:log4j2.xml \
  -cp "local-stack/target/lib/*:$(ls local-stack/target/local-stack-*.jar | head -1)" \
  io.iotconnect.localstack.LocalStack ${args[@]+"${args[@]}"}
