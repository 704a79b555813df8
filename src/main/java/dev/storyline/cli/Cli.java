package dev.storyline.cli;

import dev.storyline.config.ConfigLoader;
import picocli.CommandLine;

import java.io.PrintWriter;

/** Builds the command line and runs it; exit codes: 0 success, 1 failure, 2 bad usage. */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Cli() {
    }

    public static int run(String[] args) {
        return run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), ConfigLoader.Sources.standard());
    }

    /** For tests: explicit streams and configuration sources. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, ConfigLoader.Sources sources) {
        CommandLine commandLine = new CommandLine(new StorylineCommand(sources));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("Error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return FAILED;
        });
        return commandLine.execute(args);
    }
}
