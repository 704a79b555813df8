#!/usr/bin/env bash
# Runs the whole test suite (unit and integration tests against a real PostgreSQL).
# The database: STORYLINE_TEST_DATABASE_URL if set, else Testcontainers when Docker answers,
# else an embedded PostgreSQL. No network beyond Maven Central is needed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/toolchain.sh"
cd "$here/.."
mvn -B verify "$@"
