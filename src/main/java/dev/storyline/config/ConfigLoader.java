package dev.storyline.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the configuration sources in order, later wins: {@code conf/config.json} → {@code .env} in
 * the working directory → environment → system properties. Blocking: it runs on the main thread
 * before the application's Vert.x exists.
 */
public final class ConfigLoader {

    /**
     * Where to look. {@code overrides} is a last store (tests use it instead of mutating the real
     * environment); the environment and system properties can be left out for the same reason.
     */
    public record Sources(Path workingDirectory, boolean environment, boolean systemProperties, JsonObject overrides) {
        public static Sources standard() {
            return new Sources(Path.of("").toAbsolutePath(), true, true, new JsonObject());
        }

        public static Sources isolated(Path workingDirectory, JsonObject overrides) {
            return new Sources(workingDirectory, false, false, overrides);
        }
    }

    private ConfigLoader() {
    }

    /** The merged raw values; a file that exists but cannot be parsed is a {@link ConfigException}. */
    public static JsonObject read(Sources sources) {
        // issue 19: read directly, no Vert.x of its own (a tenth of the start went to making and closing one)
        JsonObject merged = new JsonObject();
        Path json = sources.workingDirectory().resolve("conf/config.json");
        if (Files.exists(json)) {
            merged.mergeIn(requireValidJson(json));
        }
        Path dotEnv = sources.workingDirectory().resolve(".env");
        if (Files.exists(dotEnv)) {
            try {
                merged.mergeIn(DotEnv.parse(Files.readString(dotEnv)));
            } catch (IOException e) {
                throw new ConfigException(List.of(dotEnv + " cannot be read: " + e.getMessage()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage().lines().toList());
            }
        }
        if (sources.environment()) {
            System.getenv().forEach(merged::put);
        }
        if (sources.systemProperties()) {
            System.getProperties().stringPropertyNames().forEach(name -> merged.put(name, System.getProperty(name)));
        }
        return merged.mergeIn(sources.overrides());
    }

    /** Reads and validates for the given purpose. */
    public static AppConfig load(Sources sources, ConfigParser.Purpose purpose) {
        return ConfigParser.parse(read(sources), purpose);
    }

    /** The file's settings; a broken file names the file and the position. */
    private static JsonObject requireValidJson(Path json) {
        try {
            return new JsonObject(Files.readString(json));
        } catch (IOException e) {
            throw new ConfigException(List.of(json + " cannot be read: " + e.getMessage()));
        } catch (DecodeException e) {
            String first = e.getMessage() == null ? "syntax error"
                    : e.getMessage().replaceFirst("^Failed to decode: ?", "").lines().findFirst().orElse("syntax error");
            String at = e.getCause() instanceof JsonProcessingException jackson && jackson.getLocation() != null
                    ? " (line " + jackson.getLocation().getLineNr() + ", column " + jackson.getLocation().getColumnNr() + ")" : "";
            throw new ConfigException(List.of(json + " is not valid JSON" + at + ": " + first));
        }
    }
}
