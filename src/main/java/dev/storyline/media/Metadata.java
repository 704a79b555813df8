package dev.storyline.media;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What people say about an image: title, link, caption, tags, whether it needs a person to post it
 * (stickers, links), and free-form custom metadata. A link makes a story {@code requires_interaction}
 * unless the metadata says otherwise: the Graph API cannot add a link sticker.
 */
public record Metadata(String title, String link, String caption, List<String> tags, boolean requiresInteraction,
                       JsonObject custom) {
    public static final int MAX_TITLE = 200;
    public static final int MAX_CAPTION = 2000;
    public static final int MAX_TAGS = 30;
    public static final Metadata NONE = new Metadata(null, null, null, List.of(), false, new JsonObject());

    public Metadata {
        tags = List.copyOf(tags);
        custom = custom == null ? new JsonObject() : custom;
    }

    /** {@code #Summer}, {@code summer,} and {@code  summer } are all the tag {@code summer}. */
    public static List<String> normalizeTags(Iterable<String> raw) {
        Set<String> tags = new LinkedHashSet<>();
        for (String tag : raw) {
            if (tag == null) {
                continue;
            }
            String t = tag.strip().replaceAll("^#+", "").replaceAll("[,;]+$", "").toLowerCase(Locale.ROOT);
            if (!t.isEmpty() && tags.size() < MAX_TAGS) {
                tags.add(t.length() > 50 ? t.substring(0, 50) : t);
            }
        }
        return new ArrayList<>(tags);
    }

    /** An http(s) link with a host, or null when the text is not one. */
    public static String validLink(String text) {
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && text.strip().length() <= 2000
                    ? text.strip() : null;
        } catch (Exception e) {
            return null;
        }
    }

    static String clip(String text, int max) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        return t.length() > max ? t.substring(0, max) : t;
    }

    public boolean sameAs(Metadata other) {
        return Objects.equals(title, other.title) && Objects.equals(link, other.link) && Objects.equals(caption, other.caption)
                && tags.equals(other.tags) && requiresInteraction == other.requiresInteraction && custom.equals(other.custom);
    }
}
