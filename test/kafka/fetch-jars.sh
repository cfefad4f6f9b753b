#!/bin/sh
# Pre-resolve the test broker's jars (test/kafka/pom.xml) from Maven Central
# into ~/.m2 and write the classpath cache broker.ts reads, so the first
# Kafka test does not pay for the download. Called by .ci/run; safe to repeat.
set -eu
cd "$(dirname "$0")/../.."
if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  echo "fetch-jars: java or mvn missing; Kafka tests will be skipped (install Java 17 + Maven, or set KAFKA_BROKERS)" >&2
  exit 1
fi
exec npx tsx test/kafka/fetch-jars.ts
