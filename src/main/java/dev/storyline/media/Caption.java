package dev.storyline.media;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The caption of a photo sent to the bot: {@code Title | https://link | #tag #tag}. Parts are told
 * apart by their look (a link, hashtags, else the title), so their order does not matter; a caption
 * without {@code |} is the title.
 */
public final class Caption {
    private Caption() {
    }

    public static Metadata parse(String caption) {
        if (caption == null || caption.isBlank()) {
            return Metadata.NONE;
        }
        if (!caption.contains("|")) {
            return new Metadata(Metadata.clip(caption, Metadata.MAX_TITLE), null, null, List.of(), false, new JsonObject());
        }
        String title = null;
        String link = null;
        List<String> tags = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String raw : caption.split("\\|")) {
            String part = raw.strip();
            if (part.isEmpty()) {
                continue;
            }
            if (link == null && Metadata.validLink(part) != null) {
                link = Metadata.validLink(part);
            } else if (part.startsWith("#")) {
                tags.addAll(Arrays.asList(part.split("[\\s,]+")));
            } else if (title == null) {
                title = part;
            } else {
                rest.add(part);
            }
        }
        String text = rest.isEmpty() ? null : String.join(" | ", rest);
        return new Metadata(Metadata.clip(title, Metadata.MAX_TITLE), link, Metadata.clip(text, Metadata.MAX_CAPTION),
                Metadata.normalizeTags(tags), link != null, new JsonObject());
    }
}
