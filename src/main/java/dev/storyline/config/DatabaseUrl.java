package dev.storyline.config;

import dev.storyline.config.AppConfig.ExternalDatabase;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** {@code postgresql://user:password@host:5432/database?sslmode=require} (also {@code postgres://}). */
public final class DatabaseUrl {
    public static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    private DatabaseUrl() {
    }

    /** @throws IllegalArgumentException with a message that never contains the password */
    public static ExternalDatabase parse(String raw) {
        String hint = "must look like postgresql://user:password@host:5432/database";
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(hint);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres")) || uri.getHost() == null) {
            throw new IllegalArgumentException(hint);
        }
        String user = "postgres";
        String password = "";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : "";
        }
        String database = uri.getRawPath() == null ? "" : decode(uri.getRawPath().replaceFirst("^/", ""));
        if (database.isEmpty()) {
            throw new IllegalArgumentException("names no database (add /<database> after the port)");
        }
        String sslMode = "prefer";
        if (uri.getRawQuery() != null) {
            for (String param : uri.getRawQuery().split("&")) {
                String[] kv = param.split("=", 2);
                if (kv[0].equals("sslmode") && kv.length == 2) {
                    sslMode = decode(kv[1]);
                    if (!SSL_MODES.contains(sslMode)) {
                        throw new IllegalArgumentException("has sslmode=" + sslMode + "; use one of "
                                + String.join(", ", SSL_MODES.stream().sorted().toList()));
                    }
                }
            }
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        return new ExternalDatabase(uri.getHost(), port, database, user, Secret.of(password), sslMode);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
