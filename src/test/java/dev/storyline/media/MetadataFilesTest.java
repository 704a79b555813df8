package dev.storyline.media;

import dev.storyline.testing.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetadataFilesTest {
    @TempDir
    Path dir;
    private final List<String> problems = new ArrayList<>();

    @Test
    @DisplayName("precedence: sidecar > metadata.json item > folder defaults > nothing")
    void precedence() {
        MetadataFiles.Folder folder = MetadataFiles.readFolder(TestImages.text(dir.resolve("metadata.json"), """
                {"default_requires_interaction": true, "default_tags": ["shop"],
                 "items": [{"file_name": "a.jpg", "title": "From folder", "caption": "Folder caption", "tags": ["#Item"],
                            "custom_metadata": {"sku": 12}}]}"""), "metadata.json", problems::add);
        MetadataFiles.Entry sidecar = MetadataFiles.readSidecar(TestImages.text(dir.resolve("a.json"), """
                {"title": "From sidecar", "requires_interaction": false}"""), "a.json", problems::add);

        Metadata a = MetadataFiles.resolve(folder.defaults(), folder.items().get("a.jpg"), sidecar);
        assertThat(a.title()).isEqualTo("From sidecar");
        assertThat(a.caption()).isEqualTo("Folder caption");
        assertThat(a.tags()).containsExactly("item");
        assertThat(a.requiresInteraction()).isFalse();
        assertThat(a.custom()).isEqualTo(new JsonObject().put("sku", 12));

        Metadata other = MetadataFiles.resolve(folder.defaults(), folder.items().get("b.jpg"), null);
        assertThat(other.tags()).containsExactly("shop");
        assertThat(other.requiresInteraction()).isTrue();
        assertThat(other.title()).isNull();
        assertThat(problems).isEmpty();

        assertThat(MetadataFiles.resolve(MetadataFiles.Defaults.NONE, null, null)).isEqualTo(Metadata.NONE);
    }

    @Test
    @DisplayName("a sub-folder inherits its parent's defaults unless it says otherwise")
    void inheritance() {
        MetadataFiles.Defaults parent = new MetadataFiles.Defaults(true, List.of("shop"));
        MetadataFiles.Defaults child = parent.under(new MetadataFiles.Defaults(null, List.of("sale")));
        assertThat(child).isEqualTo(new MetadataFiles.Defaults(true, List.of("sale")));
    }

    @Test
    @DisplayName("a link makes an item need a person, unless its metadata says it does not")
    void linkImpliesInteraction() {
        MetadataFiles.Entry link = new MetadataFiles.Entry(null, "https://shop.example", null, null, null, null);
        assertThat(MetadataFiles.resolve(new MetadataFiles.Defaults(false, null), link, null).requiresInteraction()).isTrue();
        MetadataFiles.Entry explicit = new MetadataFiles.Entry(null, "https://shop.example", null, null, false, null);
        assertThat(MetadataFiles.resolve(MetadataFiles.Defaults.NONE, explicit, null).requiresInteraction()).isFalse();
    }

    @Test
    @DisplayName("invalid JSON is reported with its line; wrong field types are reported and ignored")
    void problems() {
        MetadataFiles.Folder broken = MetadataFiles.readFolder(TestImages.text(dir.resolve("metadata.json"), """
                {
                  "default_tags": ["a"],
                  "items": [ oops ]
                }"""), "products/metadata.json", problems::add);
        assertThat(broken).isEqualTo(MetadataFiles.Folder.NONE);
        assertThat(problems).singleElement().asString().startsWith("products/metadata.json line 3: not valid JSON");

        problems.clear();
        MetadataFiles.Folder typed = MetadataFiles.readFolder(TestImages.text(dir.resolve("typed.json"), """
                {"default_requires_interaction": "yes", "items": [{"file_name": "a.jpg", "tags": [1, 2],
                  "link_url": "not a link", "title": "Kept"}, {"title": "no name"}]}"""), "typed.json", problems::add);
        assertThat(typed.defaults().requiresInteraction()).isNull();
        assertThat(typed.items().get("a.jpg").title()).isEqualTo("Kept");
        assertThat(typed.items().get("a.jpg").link()).isNull();
        assertThat(problems).containsExactly(
                "typed.json: default_requires_interaction must be true or false, ignored",
                "typed.json: items[0].link_url is not an http(s) link, ignored",
                "typed.json: items[0].tags must be a list of text, ignored",
                "typed.json: items[1] needs a file_name");
    }
}
