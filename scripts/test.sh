#!/usr/bin/env bash
# Runs the whole test suite (unit and integration tests against a real PostgreSQL).
# The database: STORYLINE_TEST_DATABASE_URL if set, else Testcontainers when Docker answers,
# else an embedded PostgreSQL. No network beyond Maven Central is needed. The Mini App's browser
# tests need Chromium and chromedriver, and the thumbnail tests libturbojpeg, installed here from
# Debian's packages when missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/toolchain.sh"
need_browser
need_turbojpeg
cd "$here/.."
mvn -B verify "$@"
