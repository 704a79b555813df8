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
        if (args.length == 0 || args.length == 1 && "serve".equals(args[0])) {
            // the server's start does not wait for picocli to read ~30 commands' annotations (issue 19: ~0.4 s without the
            // class-data archive); every other command line, `serve --help` or `serve --cluster` among them, is picocli's
            try {
                return ServeCommand.serve(sources, err);
            } catch (RuntimeException e) {
                return failed(err, e);
            }
        }
        CommandLine commandLine = new CommandLine(new StorylineCommand(sources));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> failed(cmd.getErr(), e));
        return commandLine.execute(args);
    }

    private static int failed(PrintWriter err, Exception e) {
        err.println("Error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        err.flush();
        return FAILED;
    }
}
