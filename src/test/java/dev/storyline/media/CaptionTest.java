package dev.storyline.media;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CaptionTest {

    @Test
    @DisplayName("Title | link | #tags sets all three; a link makes the story need a person")
    void full() {
        Metadata m = Caption.parse("Sunset | https://shop.example/p/1 | #summer #Sale");
        assertThat(m.title()).isEqualTo("Sunset");
        assertThat(m.link()).isEqualTo("https://shop.example/p/1");
        assertThat(m.tags()).containsExactly("summer", "sale");
        assertThat(m.requiresInteraction()).isTrue();
    }

    @Test
    @DisplayName("without | the whole caption is the title")
    void titleOnly() {
        Metadata m = Caption.parse("  Morning coffee #1  ");
        assertThat(m.title()).isEqualTo("Morning coffee #1");
        assertThat(m.link()).isNull();
        assertThat(m.tags()).isEmpty();
        assertThat(m.requiresInteraction()).isFalse();
    }

    @Test
    @DisplayName("parts are recognised by their look, in any order; what is left over is the caption text")
    void anyOrder() {
        Metadata m = Caption.parse("#new, #shirts | New shirts | http://shop.example | swipe up!");
        assertThat(m.title()).isEqualTo("New shirts");
        assertThat(m.link()).isEqualTo("http://shop.example");
        assertThat(m.tags()).containsExactly("new", "shirts");
        assertThat(m.caption()).isEqualTo("swipe up!");
    }

    @Test
    @DisplayName("no caption, or something that only looks like a link")
    void edges() {
        assertThat(Caption.parse(null)).isEqualTo(Metadata.NONE);
        assertThat(Caption.parse("   ")).isEqualTo(Metadata.NONE);
        Metadata m = Caption.parse("Title | ftp://files.example | javascript:alert(1)");
        assertThat(m.link()).isNull();
        assertThat(m.requiresInteraction()).isFalse();
        assertThat(m.title()).isEqualTo("Title");
    }
}
