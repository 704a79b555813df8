package dev.storyline.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
 * before the application's Vert.x exists, on a short-lived Vert.x of its own.
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
        ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1).setIncludeDefaultStores(false);
        Path json = sources.workingDirectory().resolve("conf/config.json");
        if (Files.exists(json)) {
            requireValidJson(json);
            options.addStore(file(json, "json"));
        }
        Path dotEnv = sources.workingDirectory().resolve(".env");
        if (Files.exists(dotEnv)) {
            options.addStore(file(dotEnv, DotEnvProcessor.FORMAT));
        }
        if (sources.environment()) {
            options.addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)));
        }
        if (sources.systemProperties()) {
            options.addStore(new ConfigStoreOptions().setType("sys")
                    .setConfig(new JsonObject().put("raw-data", true).put("cache", false)));
        }
        if (!sources.overrides().isEmpty()) {
            options.addStore(new ConfigStoreOptions().setType("json").setConfig(sources.overrides()));
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        try {
            return ConfigRetriever.create(vertx, options).getConfig().await();
        } catch (RuntimeException e) {
            throw new ConfigException(describe(e));
        } finally {
            vertx.close().await();
        }
    }

    /** Reads and validates for the given purpose. */
    public static AppConfig load(Sources sources, ConfigParser.Purpose purpose) {
        return ConfigParser.parse(read(sources), purpose);
    }

    /** Names the file and the position, which vertx-config's own error does not. */
    private static void requireValidJson(Path json) {
        try {
            new JsonObject(Files.readString(json));
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

    private static ConfigStoreOptions file(Path path, String format) {
        return new ConfigStoreOptions().setType("file").setFormat(format)
                .setConfig(new JsonObject().put("path", path.toString()));
    }

    /** One problem per line of the innermost cause (the dotenv parser reports one line per bad line). */
    private static List<String> describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (message.startsWith(".env")) {
            return message.lines().toList();
        }
        return List.of("configuration could not be read: " + message.lines().findFirst().orElse(message));
    }
}
