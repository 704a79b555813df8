package dev.storyline.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LogFieldsTest {
    @Test
    @DisplayName("LOG_FORMAT=json: one JSON object per line with tenant and queue item as fields; text keeps the plain values")
    void jsonFields() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogstashEncoder encoder = new LogstashEncoder(); // what Logging installs for LOG_FORMAT=json
        encoder.setContext(context);
        encoder.start();
        Logger logger = context.getLogger("dev.storyline.posting.DispatchVerticle");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "Tenant {}: slot {} failed: {}", null,
                new Object[] {LogFields.tenant(-1001234L), LogFields.slot(42L), "Telegram said 400"});
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonObject json = new JsonObject(line.strip());
        assertThat(json.getString("message")).isEqualTo("Tenant -1001234: slot 42 failed: Telegram said 400");
        assertThat(json.getLong("tenant")).isEqualTo(-1001234L);
        assertThat(json.getLong("queue_item")).isEqualTo(42L);
        assertThat(json.getString("level")).isEqualTo("WARN");
        assertThat(event.getFormattedMessage()).isEqualTo("Tenant -1001234: slot 42 failed: Telegram said 400");
    }
}
