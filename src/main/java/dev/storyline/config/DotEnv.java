package dev.storyline.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code .env} format: {@code KEY=value} lines, optional
 * {@code export }, {@code #} comments, single or double quotes (double quotes understand {@code \n},
 * {@code \"} and {@code \\}). A malformed line fails the whole file with its line number.
 */
public final class DotEnv {
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private DotEnv() {
    }

    /** The file's keys and values; a malformed line fails the whole file, every bad line named (one per line of the message). */
    static JsonObject parse(String text) {
        JsonObject result = new JsonObject();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip();
            if (eq < 0 || !KEY.matcher(key).matches()) {
                problems.add(".env line " + (i + 1) + ": expected KEY=value");
                continue;
            }
            String value = value(line.substring(eq + 1).strip());
            if (value == null) {
                problems.add(".env line " + (i + 1) + ": " + key + " has an unterminated quote");
                continue;
            }
            result.put(key, value);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return result;
    }

    /** The value of one line, or null when a quote is not closed. */
    private static String value(String raw) {
        if (raw.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\' && i + 1 < raw.length()) {
                    char next = raw.charAt(++i);
                    out.append(switch (next) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> next;
                    });
                } else {
                    out.append(c);
                }
            }
            return null;
        }
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            return end < 0 ? null : raw.substring(1, end);
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }
}
