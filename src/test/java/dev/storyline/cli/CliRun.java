package dev.storyline.cli;

import dev.storyline.config.ConfigLoader;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** One run of the command line, in-process with its real parser and configuration: exit code and both outputs. */
record CliRun(int exit, String out, String err) {

    /** Runs {@code args} with only {@code keys} as configuration (files looked up in {@code workDir}). */
    static CliRun run(Path workDir, JsonObject keys, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), ConfigLoader.Sources.isolated(workDir, keys));
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Runs {@code args} against {@code db}, with {@code workDir} as the data directory. */
    static CliRun against(TestDatabase db, Path workDir, String... args) {
        return run(workDir, new JsonObject().put("DATABASE_URL", db.url()).put("STORYLINE_DATA_DIR", workDir.toString()), args);
    }
}
