#!/usr/bin/env bash
# Builds Storyline when the jar is missing or older than the sources, then runs it.
#   scripts/run.sh [command...]      (no command = serve; e.g. scripts/run.sh tenants list)
# Configuration: .env in the current directory (see .env.example).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/toolchain.sh"
need_turbojpeg
cd "$here/.."
jar=target/storyline.jar
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  echo "Building $jar ..." >&2
  mvn -B -q -DskipTests package
fi
# the launcher: the small-machine profile and the class-data archive (docs/operations.md, "Memory and start-up")
STORYLINE_JAR="$jar" exec "$here/storyline" "$@"
