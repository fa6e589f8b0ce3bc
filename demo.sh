#!/usr/bin/env sh
# The demo: logs 20,000 events through a local Kinesis with the SDK, reads them back with the
# validator, and prints its report. Builds only the modules it needs.
set -eu
cd "$(dirname "$0")"
echo "Tideline demo"
echo "  building the SDK, the validator and the local Kinesis module (about a minute; on a fresh"
echo "  machine ./mvnw first downloads Maven and the dependencies, and the local Kinesis npm package)"
exec ./mvnw -B -q -Pdemo -DskipTests package -pl samples -am "$@"
