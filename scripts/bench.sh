#!/usr/bin/env bash
# Runs a committed benchmark in its own JVM with the heap the product targets.
#   scripts/bench.sh orchestrator [tenant counts...]    (default: 1000 10000; e.g. 100000; then 1,000 slots due within a minute)
#   scripts/bench.sh telegram                           (outbox backlog, update throughput and latency)
#   scripts/bench.sh media [files]                      (folder indexing vs sha256sum; default 3000 files of 1 MB)
#   scripts/bench.sh media videos [files] [MB]          (the same with MP4 videos; default 100 of 50 MB)
#   scripts/bench.sh posting [tenants] [images] [topoff] (top-off (also with a category mix), dispatch lateness, presses;
#                                                       default 1000 × 3000; topoff: planning only)
#   scripts/bench.sh insights [tenants] [stories]       (story insights: every live story read within its hour;
#                                                       default 1000 tenants × 3 stories)
#   scripts/bench.sh miniapp [images] [page]          (the planner: page paint in headless Chromium, API latency,
#                                                       thumbnails vs sha256sum; default 3000 images; page: no thumbnails run)
#   scripts/bench.sh cluster [tenants] [kills] [sizes]  (real nodes from the fat jar: 1, 2, 3 nodes × 3,000 teams: start, schedulers
#                                                       per node, dispatch lateness, heap, SIGKILL take-over; default 3000 5 1,2,3)
#   scripts/bench.sh startup [runs]                     (launch → first /health through scripts/storyline: external and embedded
#                                                       database, without and with the class-data archive; median of 5)
#   scripts/bench.sh footprint                          (PSS of the JVM and the embedded PostgreSQL: 100 teams at 3 and 50 posts
#                                                       a day, then 1,000 teams, each planned and 20 s idle)
# Figures and how to read them: docs/benchmarks.md
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-orchestrator}"
shift || true
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
case "$which" in
  cluster|startup|footprint) mvn -B -q -DskipTests package ;; # these run the fat jar itself
esac
cp="target/classes:target/test-classes:$(cat target/bench.classpath)"
case "$which" in
  orchestrator) exec java -Xmx${BENCH_HEAP:-1g} ${BENCH_OPTS:-} -cp "$cp" dev.storyline.bench.OrchestratorBench "$@" ;;
  telegram) exec java -Xmx512m ${BENCH_OPTS:-} -cp "$cp" dev.storyline.bench.TelegramBench "$@" ;;
  posting) exec java -Xmx1g ${BENCH_OPTS:-} -cp "$cp" dev.storyline.bench.PostingBench "$@" ;;
  media) exec java -Xmx512m ${BENCH_OPTS:-} -cp "$cp" dev.storyline.bench.MediaBench "$@" ;;
  insights) exec java -Xmx512m ${BENCH_OPTS:-} -cp "$cp" dev.storyline.bench.InsightsBench "$@" ;;
  miniapp) exec java -Xmx512m ${BENCH_OPTS:-} -cp "$cp" dev.storyline.bench.MiniAppBench "$@" ;;
  cluster) exec java -Xmx1g ${BENCH_OPTS:-} -Dstoryline.jar=target/storyline.jar -cp "$cp" dev.storyline.bench.ClusterBench "$@" ;;
  startup) exec java -Xmx512m ${BENCH_OPTS:-} -cp "$cp" dev.storyline.bench.StartupBench "$@" ;;
  footprint) exec java -Xmx512m ${BENCH_OPTS:-} -cp "$cp" dev.storyline.bench.FootprintBench "$@" ;;
  *) echo "unknown benchmark '$which' (known: orchestrator, telegram, media, posting, insights, miniapp, cluster, startup, footprint)" >&2
     exit 2 ;;
esac
