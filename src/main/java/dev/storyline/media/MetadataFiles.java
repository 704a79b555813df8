package dev.storyline.media;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the metadata people put next to their images (R27, R29, R30): a folder's
 * {@code metadata.json} ({@code default_requires_interaction}, {@code default_tags}, {@code items[]}
 * by {@code file_name}) and per-image sidecars {@code <name>.json}. A file that is not valid JSON, or a
 * field of the wrong type, is reported (path and line) and ignored: the images are still indexed.
 * Precedence: sidecar, then the folder's item, then the folder defaults (inherited by sub-folders).
 */
public final class MetadataFiles {
    public static final String FOLDER_FILE = "metadata.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BYTES = 4L * 1024 * 1024;

    /** One image's metadata as written: null fields were not given. */
    public record Entry(String title, String link, String caption, List<String> tags, Boolean requiresInteraction,
                        JsonObject custom) {
        static final Entry EMPTY = new Entry(null, null, null, null, null, null);
    }

    /** What a folder says for every image below it; a sub-folder's own values win. */
    public record Defaults(Boolean requiresInteraction, List<String> tags) {
        public static final Defaults NONE = new Defaults(null, null);

        Defaults under(Defaults child) {
            return new Defaults(child.requiresInteraction != null ? child.requiresInteraction : requiresInteraction,
                    child.tags != null ? child.tags : tags);
        }
    }

    /** A folder's {@code metadata.json}. */
    public record Folder(Defaults defaults, Map<String, Entry> items) {
        public static final Folder NONE = new Folder(Defaults.NONE, Map.of());
    }

    private MetadataFiles() {
    }

    public static Metadata resolve(Defaults defaults, Entry item, Entry sidecar) {
        Entry i = item == null ? Entry.EMPTY : item;
        Entry s = sidecar == null ? Entry.EMPTY : sidecar;
        String link = first(s.link(), i.link());
        List<String> tags = first(s.tags(), first(i.tags(), defaults.tags()));
        Boolean requires = first(s.requiresInteraction(), i.requiresInteraction());
        boolean requiresInteraction = requires != null ? requires
                : link != null || Boolean.TRUE.equals(defaults.requiresInteraction());
        return new Metadata(first(s.title(), i.title()), link, first(s.caption(), i.caption()),
                tags == null ? List.of() : tags, requiresInteraction, first(s.custom(), i.custom()));
    }

    /** Reads a folder's {@code metadata.json}; {@code shown} is how problems name the file. */
    public static Folder readFolder(Path file, String shown, Consumer<String> problems) {
        JsonNode root = parse(file, shown, problems);
        if (root == null) {
            return Folder.NONE;
        }
        Fields fields = new Fields(shown, problems);
        Defaults defaults = new Defaults(fields.bool(root, "default_requires_interaction"), fields.tags(root, "default_tags"));
        Map<String, Entry> items = new HashMap<>();
        JsonNode list = root.get("items");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                problems.accept(shown + ": items must be a list");
            } else {
                for (int n = 0; n < list.size(); n++) {
                    JsonNode node = list.get(n);
                    String name = node.path("file_name").asText(null);
                    if (!node.isObject() || name == null || name.isBlank() || !node.get("file_name").isTextual()) {
                        problems.accept(shown + ": items[" + n + "] needs a file_name");
                        continue;
                    }
                    items.put(name.strip(), fields.entry(node, "items[" + n + "]."));
                }
            }
        }
        return new Folder(defaults, Map.copyOf(items));
    }

    /** Reads an image's sidecar {@code <name>.json}. */
    public static Entry readSidecar(Path file, String shown, Consumer<String> problems) {
        JsonNode root = parse(file, shown, problems);
        return root == null ? null : new Fields(shown, problems).entry(root, "");
    }

    private static JsonNode parse(Path file, String shown, Consumer<String> problems) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                problems.accept(shown + ": larger than 4 MB, ignored");
                return null;
            }
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                problems.accept(shown + ": must be a JSON object, ignored");
                return null;
            }
            return root;
        } catch (JsonParseException e) {
            problems.accept(shown + " line " + e.getLocation().getLineNr() + ": not valid JSON (" + e.getOriginalMessage() + "), ignored");
            return null;
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            problems.accept(shown + " line " + line + ": " + e.getOriginalMessage() + ", ignored");
            return null;
        } catch (IOException e) {
            problems.accept(shown + ": cannot be read (" + e.getMessage() + "), ignored");
            return null;
        }
    }

    /** Typed access to a node's fields; a wrong type is reported and the field ignored. */
    private record Fields(String shown, Consumer<String> problems) {
        Entry entry(JsonNode node, String prefix) {
            String link = text(node, prefix, "link_url", 2000);
            if (link == null) {
                link = text(node, prefix, "link", 2000);
            }
            if (link != null && Metadata.validLink(link) == null) {
                problems.accept(shown + ": " + prefix + "link_url is not an http(s) link, ignored");
                link = null;
            }
            JsonObject custom = null;
            JsonNode c = node.get("custom_metadata");
            if (c != null && !c.isNull()) {
                if (c.isObject()) {
                    custom = new JsonObject(c.toString());
                } else {
                    problems.accept(shown + ": " + prefix + "custom_metadata must be an object, ignored");
                }
            }
            return new Entry(Metadata.clip(text(node, prefix, "title", Metadata.MAX_TITLE), Metadata.MAX_TITLE), link,
                    Metadata.clip(text(node, prefix, "caption", Metadata.MAX_CAPTION), Metadata.MAX_CAPTION),
                    tags(node, prefix + "tags"), bool(node, prefix + "requires_interaction"), custom);
        }

        String text(JsonNode node, String prefix, String field, int max) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                problems.accept(shown + ": " + prefix + field + " must be text, ignored");
                return null;
            }
            return v.asText();
        }

        Boolean bool(JsonNode node, String path) {
            String field = path.substring(path.lastIndexOf('.') + 1);
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isBoolean()) {
                problems.accept(shown + ": " + path + " must be true or false, ignored");
                return null;
            }
            return v.asBoolean();
        }

        List<String> tags(JsonNode node, String path) {
            String field = path.substring(path.lastIndexOf('.') + 1);
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            List<String> raw = new ArrayList<>();
            if (v.isTextual()) {
                raw.addAll(List.of(v.asText().split("[\\s,]+")));
            } else if (v.isArray()) {
                for (JsonNode tag : v) {
                    if (!tag.isTextual()) {
                        problems.accept(shown + ": " + path + " must be a list of text, ignored");
                        return null;
                    }
                    raw.add(tag.asText());
                }
            } else {
                problems.accept(shown + ": " + path + " must be a list of text, ignored");
                return null;
            }
            return Metadata.normalizeTags(raw);
        }
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }
}
