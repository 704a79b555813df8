package dev.storyline.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped configuration files stay in step with {@link ConfigKey}, the one list of settings. */
class ConfigFilesTest {

    @Test
    @DisplayName(".env.example lists every key with its default")
    void envExample() throws IOException {
        Map<String, String> example = DotEnv.parse(Files.readString(Path.of(".env.example"))).getMap()
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));

        for (ConfigKey key : ConfigKey.values()) {
            assertThat(example).as(key.name()).containsEntry(key.name(), key.defaultValue());
        }
        assertThat(example.keySet()).allSatisfy(name -> assertThat(Arrays.stream(ConfigKey.values()).map(Enum::name)).contains(name));
    }

    @Test
    @DisplayName("conf/config.json holds only known keys, each with the code's default")
    void configJson() throws IOException {
        JsonObject json = new JsonObject(Files.readString(Path.of("conf/config.json")));

        for (String name : json.fieldNames()) {
            ConfigKey key = ConfigKey.valueOf(name);
            assertThat(String.valueOf(json.getValue(name))).as(name).isEqualTo(key.defaultValue());
        }
    }
}
