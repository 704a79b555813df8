package dev.storyline.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
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
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern()).isEqualTo(LogSetup.PATTERN);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.micrometer.core.instrument.MeterRegistry").getLevel()).isEqualTo(Level.ERROR);
        assertThat(context.getObject(ch.qos.logback.core.CoreConstants.SAFE_JORAN_CONFIGURATION)).as("no Joran configuration ran").isNull();
    }
}
