package dev.storyline.cli;

import dev.storyline.app.Application;
import dev.storyline.app.Logging;
import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigLoader;
import dev.storyline.config.ConfigParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Runs Storyline until SIGTERM or SIGINT, then stops in order and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run Storyline (the default when no command is given).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--cluster", description = "Join the other nodes named by CLUSTER_MEMBERS (the same as CLUSTER_ENABLED=true).")
    boolean cluster;

    @Override
    public Integer call() {
        ConfigLoader.Sources sources = CommandSupport.sources(spec);
        if (cluster) {
            sources = new ConfigLoader.Sources(sources.workingDirectory(), sources.environment(), sources.systemProperties(),
                    sources.overrides().copy().put("CLUSTER_ENABLED", "true"));
        }
        return serve(sources, spec.commandLine().getErr());
    }

    static int serve(ConfigLoader.Sources sources, PrintWriter err) {
        Optional<AppConfig> config = CommandSupport.config(sources, ConfigParser.Purpose.SERVE, err);
        if (config.isEmpty()) {
            return Cli.FAILED;
        }
        Logging.configure(config.get().logging());
        ShutdownSignal signal = ShutdownSignal.install();
        Application app;
        try {
            app = Application.start(config.get(), Clock.systemUTC());
        } catch (RuntimeException e) {
            err.println("Storyline could not start: " + CommandSupport.oneLine(e));
            err.flush();
            return Cli.FAILED;
        }
        // covers exits that are not SIGTERM/SIGINT (e.g. SIGHUP); stop() runs once either way
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "storyline-shutdown"));
        signal.await();
        app.stop();
        return Cli.OK;
    }
}
