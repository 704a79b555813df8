package dev.storyline.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LogSetupTest {
    @Test
    @DisplayName("issue 19: Logback is set up in code at its start (no XML read): one console on stderr with the log's pattern, quiet libraries")
    void setUpInCode() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ConsoleAppender<?> console = (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");

        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(((LayoutWrappingEncoder<?>) console.getEncoder()).getLayout()).isInstanceOf(LogLine.class);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.micrometer.core.instrument.MeterRegistry").getLevel()).isEqualTo(Level.ERROR);
        assertThat(context.getObject(ch.qos.logback.core.CoreConstants.SAFE_JORAN_CONFIGURATION)).as("no Joran configuration ran").isNull();
    }

    @Test
    @DisplayName("the line written in code is the one Logback's PatternLayout writes for the log's pattern, stack traces and all")
    void lineAsThePatternWritesIt() {
        LoggerContext context = new LoggerContext();
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(LogSetup.PATTERN);
        pattern.start();
        LogLine line = new LogLine();
        line.setContext(context);
        line.start();
        IllegalStateException cause = new IllegalStateException("disk full");
        RuntimeException failure = new RuntimeException("Tenant -1001: slot 42 failed", cause);
        failure.addSuppressed(new java.io.UncheckedIOException("closing", new java.io.IOException("pipe")));
        ch.qos.logback.classic.Logger[] loggers = {
                context.getLogger("dev.storyline.posting.DispatchVerticle"), context.getLogger("dev.storyline.tenant.TenantOrchestratorVerticle"),
                context.getLogger("io.vertx.core.impl.ContextImpl"), context.getLogger("Main"), context.getLogger(Logger.ROOT_LOGGER_NAME)};
        for (ch.qos.logback.classic.Logger logger : loggers) {
            for (Level level : new Level[] {Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE}) {
                for (Throwable thrown : new Throwable[] {null, failure}) {
                    LoggingEvent event = new LoggingEvent(getClass().getName(), logger, level, "Tenant {}: {} ✨\nnext line",
                            thrown, new Object[] {-1001234567890L, "slot 42"});
                    assertThat(line.doLayout(event)).isEqualTo(pattern.doLayout(event));
                }
            }
        }
    }
}
