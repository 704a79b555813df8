package dev.storyline.posting;

import dev.storyline.media.MediaItem;
import dev.storyline.media.Metadata;
import dev.storyline.plan.QueueItem;
import dev.storyline.telegram.Html;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** D25: the notification's caption fits Telegram's 1,024 visible units and stays valid HTML, whatever the metadata. */
class StoryMessageTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-z]+)>");
    /** 2,000 characters of what people paste: ampersands, angle brackets, quotes and emoji (two UTF-16 units each). */
    private static final String HOSTILE = ("Tom & Jerry <3 \"sale\" 🎉🔥 a<b>c</b> &amp; ").repeat(60).substring(0, 2000);
    private static final List<String> THIRTY_TAGS = IntStream.range(0, 30).mapToObj(i -> "tag" + i + "longer").toList();

    private static MediaItem item(String title, String link, String caption, List<String> tags) {
        return new MediaItem(42, -100, "/srv/x.jpg", MediaItem.SOURCE_FOLDER, null, 0, "image/jpeg", 1080, 1920, null,
                new Metadata(title, link, caption, tags, false, null), List.of(), null, true, 0, null, null, 0);
    }

    private static QueueItem slot(boolean dryRun) {
        Instant at = Instant.parse("2026-12-02T13:00:00Z");
        return new QueueItem(7, -100, "2026-12-02#1", null, null, at, at, 42L, null, QueueItem.CLAIMED, false, dryRun, 1, null,
                null, at, null, null, null, 1L);
    }

    /** Balanced b/code tags, no stray '<', every '&' an entity Html writes, no half of a surrogate pair. */
    private static void assertValidHtml(String html) {
        Deque<String> open = new ArrayDeque<>();
        Matcher m = TAG.matcher(html);
        while (m.find()) {
            assertThat(m.group(2)).isIn("b", "code");
            if (m.group(1).isEmpty()) {
                open.push(m.group(2));
            } else {
                assertThat(open.pop()).isEqualTo(m.group(2));
            }
        }
        assertThat(open).as("every tag closed").isEmpty();
        String withoutTags = TAG.matcher(html).replaceAll("");
        assertThat(withoutTags).doesNotContain("<", ">");
        assertThat(withoutTags.replaceAll("&(amp|lt|gt|quot);", "")).doesNotContain("&");
        for (int i = 0; i < html.length(); i++) {
            char c = html.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1 < html.length() && Character.isLowSurrogate(html.charAt(i + 1))).as("pair at " + i).isTrue();
            } else if (Character.isLowSurrogate(c)) {
                assertThat(i > 0 && Character.isHighSurrogate(html.charAt(i - 1))).as("pair at " + i).isTrue();
            }
        }
    }

    @Test
    @DisplayName("a 2,000-character caption of &, <, emoji and 30 tags: within 1,024 visible units, status and reference kept")
    void longCaption() {
        String html = StoryMessage.pending(item("Sunset", "https://shop.example/p/1", HOSTILE, THIRTY_TAGS), slot(false), BERLIN, null);

        assertThat(Html.visibleLength(html)).isLessThanOrEqualTo(1024).isGreaterThan(1000);
        assertValidHtml(html);
        assertThat(html).startsWith("<b>Sunset</b>\n🔗 https://shop.example/p/1\n#tag0longer #tag1longer")
                .contains("\n🕑 Wed 2 Dec, 14:00 CET\nStatus: ⏳ PENDING\n<code>#7 · item 42</code>")
                .contains("Tom &amp; Jerry &lt;3 &quot;sale&quot; 🎉🔥").contains("…\n🕑");
        assertThat(html).as("the tags whole: the caption gave way first").contains("#tag29longer");
    }

    @Test
    @DisplayName("when the tags alone are too long the caption goes, then the tags are cut at a whole tag with …")
    void tagsGiveWayAfterCaption() {
        List<String> many = IntStream.range(0, 30).mapToObj(i -> "x".repeat(45) + i).toList();
        String html = StoryMessage.pending(item("Sunset", null, HOSTILE, many), slot(true), BERLIN, null);

        assertThat(Html.visibleLength(html)).isLessThanOrEqualTo(1024);
        assertValidHtml(html);
        assertThat(html).startsWith("🧪 DRY RUN\n<b>Sunset</b>\n#" + "x".repeat(45) + "0 #").doesNotContain("Tom")
                .contains(" …\n🕑").contains("Status: ⏳ PENDING\n<code>#7 · item 42</code>");
    }

    @Test
    @DisplayName("a 300-character title is kept whole, with the slot time, the status and the reference")
    void longTitle() {
        String title = "Ü&<".repeat(100);
        String html = StoryMessage.caption(item(title, "https://shop.example/" + "p".repeat(500), HOSTILE, THIRTY_TAGS), slot(false),
                BERLIN, StoryMessage.status("posted", "@max", Instant.parse("2026-12-02T13:04:00Z"), Instant.parse("2026-12-02T13:00:00Z"), BERLIN));

        assertThat(Html.visibleLength(html)).isLessThanOrEqualTo(1024);
        assertValidHtml(html);
        assertThat(html).startsWith("<b>" + Html.escape(title) + "</b>\n")
                .contains("Status: ✅ POSTED by @max at 14:04 CET (took 4 min)\n<code>#7 · item 42</code>");
    }

    @Test
    @DisplayName("short metadata is shown whole, nothing shortened")
    void shortIsWhole() {
        String html = StoryMessage.pending(item("A & B", "https://x.example", "Hello <world>", List.of("a", "b")), slot(false), BERLIN,
                "🤖 Instagram is paused: please post it by hand.");
        assertThat(html).isEqualTo("<b>A &amp; B</b>\n🔗 https://x.example\n#a #b\nHello &lt;world&gt;\n🕑 Wed 2 Dec, 14:00 CET\n"
                + "Status: ⏳ PENDING\n🤖 Instagram is paused: please post it by hand.\n<code>#7 · item 42</code>");
    }

    @Test
    @DisplayName("a long message is cut at a whole line within 4,096 units, ending in …")
    void fitMessage() {
        String line = "<b>" + Html.escape("History & more 🎉") + "</b> " + Html.escape("x".repeat(180));
        String html = String.join("\n", java.util.Collections.nCopies(40, line));
        String fitted = Html.fit(html, Html.MAX_TEXT);
        assertThat(Html.visibleLength(html)).isGreaterThan(4096);
        assertThat(Html.visibleLength(fitted)).isLessThanOrEqualTo(4096);
        assertThat(fitted).endsWith("\n…").startsWith(line);
        assertValidHtml(fitted);
        assertThat(Html.fit("<b>short</b>", 4096)).isEqualTo("<b>short</b>");
    }
}
