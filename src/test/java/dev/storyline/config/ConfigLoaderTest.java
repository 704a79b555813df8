package dev.storyline.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("sources are layered: conf/config.json, then .env, then later stores win")
    void layering() throws IOException {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/config.json"), "{\"HTTP_PORT\": 1111, \"POSTS_PER_DAY\": 4, \"LOG_LEVEL\": \"DEBUG\"}");
        Files.writeString(dir.resolve(".env"), "HTTP_PORT=2222\nPOSTS_PER_DAY=6\n");

        JsonObject merged = ConfigLoader.read(ConfigLoader.Sources.isolated(dir, new JsonObject().put("POSTS_PER_DAY", "7")));

        assertThat(merged.getValue("LOG_LEVEL")).isEqualTo("DEBUG");
        assertThat(String.valueOf(merged.getValue("HTTP_PORT"))).isEqualTo("2222");
        assertThat(merged.getValue("POSTS_PER_DAY")).isEqualTo("7");
    }

    @Test
    @DisplayName(".env understands export, comments, and single or double quotes")
    void dotEnvSyntax() {
        JsonObject parsed = DotEnv.parse("""
                # a comment
                export TELEGRAM_BOT_TOKEN=123:abc
                ADMIN_TOKEN="with spaces # not a comment \\"quoted\\""
                POSTING_TIMEZONE='Europe/Berlin'
                LOG_LEVEL=debug # trailing comment

                EMPTY=
                """);

        assertThat(parsed.getMap()).containsEntry("TELEGRAM_BOT_TOKEN", "123:abc")
                .containsEntry("ADMIN_TOKEN", "with spaces # not a comment \"quoted\"")
                .containsEntry("POSTING_TIMEZONE", "Europe/Berlin")
                .containsEntry("LOG_LEVEL", "debug")
                .containsEntry("EMPTY", "");
    }

    @Test
    @DisplayName("a malformed .env is reported line by line instead of being ignored")
    void malformedDotEnv() throws IOException {
        Files.writeString(dir.resolve(".env"), "GOOD=1\nthis is not a setting\nQUOTE=\"open\n");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.read(ConfigLoader.Sources.isolated(dir, new JsonObject())));

        assertThat(e.problems()).containsExactly(".env line 2: expected KEY=value", ".env line 3: QUOTE has an unterminated quote");
    }

    @Test
    @DisplayName("a conf/config.json that is not JSON is an error, not silently skipped")
    void brokenJson() throws IOException {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/config.json"), "{ not json");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.read(ConfigLoader.Sources.isolated(dir, new JsonObject())));

        assertThat(e.problems()).singleElement().asString()
                .startsWith(dir.resolve("conf/config.json") + " is not valid JSON (line 1, column 3)");
    }
}
