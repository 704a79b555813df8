package dev.storyline.bench;

import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up (issue 19): from launching {@code scripts/storyline serve} (the launcher systemd runs) to the
 * first answer of {@code /health}, against an external PostgreSQL (the test server) and on an existing
 * embedded data directory, without and with the class-data archive; the median of {@code runs} starts
 * each (default 5). Run with {@code scripts/bench.sh startup [runs]}; figures go to docs/benchmarks.md.
 */
public final class StartupBench {
    private static final Pattern READY = Pattern.compile("ready in (\\d+) ms");

    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        dev.storyline.app.Logging.quiet();
        Path work = Files.createTempDirectory("storyline-startup-bench");
        TestDatabase db = TestDatabase.create();
        FakeTelegram fake = new FakeTelegram(TestConfig.TOKEN);
        System.out.printf("Storyline start-up benchmark: Java %s, %d cores, median of %d starts, launcher scripts/storyline%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), runs);
        List<String> rows = new ArrayList<>();
        try {
            for (String database : List.of("external", "embedded")) {
                Path data = work.resolve(database);
                Map<String, String> env = ServerProcess.env(fake, data);
                if (database.equals("external")) {
                    env.put("DATABASE_URL", db.url());
                }
                env.put("STORYLINE_CDS", "off");
                Path log = work.resolve(database + ".log");
                // the first start makes the data directory (initdb) or migrates the schema: not measured
                try (ServerProcess first = ServerProcess.launch(env, log)) {
                    first.firstAnswer(Duration.ofMinutes(2));
                }
                for (boolean cds : List.of(false, true)) {
                    if (cds) {
                        Path archive = data.resolve("storyline.jsa");
                        env.put("STORYLINE_CDS", archive.toString());
                        try (ServerProcess training = ServerProcess.launch(env, log)) {
                            training.firstAnswer(Duration.ofMinutes(1));
                        }
                        if (!Files.isRegularFile(archive)) {
                            throw new IllegalStateException("no class-data archive at " + archive + "; see " + log);
                        }
                        System.out.printf("class-data archive: %,d KB%n", Files.size(archive) / 1024);
                    }
                    List<Double> answers = new ArrayList<>();
                    List<Double> ready = new ArrayList<>();
                    for (int i = 0; i < runs; i++) {
                        long logged = Files.exists(log) ? Files.size(log) : 0;
                        ServerProcess.Answer answer;
                        try (ServerProcess server = ServerProcess.launch(env, log)) {
                            answer = server.firstAnswer(Duration.ofMinutes(1));
                        }
                        answers.add(answer.seconds());
                        String tail = Files.readString(log).substring((int) logged);
                        Matcher m = READY.matcher(tail);
                        ready.add(m.find() ? Integer.parseInt(m.group(1)) / 1000.0 : Double.NaN);
                        System.out.printf("%s database, %s: launch → first /health answer (%d) %.2f s; the log's \"ready in\" %.2f s%n",
                                database, cds ? "with the archive" : "no archive", answer.status(), answer.seconds(), ready.get(i));
                    }
                    rows.add(String.format("| %s | %s | **%.2f s** (%s) | %.2f s |", database, cds ? "yes" : "no", median(answers),
                            list(answers), median(ready)));
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println();
        System.out.println("| database | class-data archive | launch → first /health answer, median (each run) | the log's \"ready in\", median |");
        System.out.println("|---|---|---:|---:|");
        rows.forEach(System.out::println);
        fake.close();
        System.exit(0);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String list(List<Double> values) {
        return String.join(", ", values.stream().map(v -> String.format("%.2f", v)).toList());
    }
}
