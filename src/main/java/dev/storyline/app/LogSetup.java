package dev.storyline.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

import java.util.Map;

/**
 * Logback's set-up, in code (found through {@code META-INF/services}): one console appender on stderr, quiet
 * libraries. Issue 19: reading a {@code logback.xml} loaded some 350 classes (an XML parser and Joran) and took a
 * tenth of the start. {@code LOG_LEVEL} and {@code LOG_FORMAT=json} are applied by {@link Logging} once the
 * configuration is read.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** What each line holds ({@link LogLine} writes it). */
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";
    private static final Map<String, Level> QUIET = Map.of(
            "io.zonky", Level.WARN,
            "org.flywaydb", Level.WARN,
            "org.mp4parser", Level.WARN,
            "io.netty", Level.WARN,
            // vertx-micrometer registers one event-bus gauge twice; harmless, and not worth a warning at every start
            "io.micrometer.core.instrument.MeterRegistry", Level.ERROR,
            "com.github.dockerjava", Level.WARN,
            "org.testcontainers", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LogLine line = new LogLine();
        line.setContext(context);
        line.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(line);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
