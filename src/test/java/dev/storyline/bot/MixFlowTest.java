package dev.storyline.bot;

import dev.storyline.tenant.CategoryMix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The mix screen's draft, carried in its buttons (D27). */
class MixFlowTest {
    @Test
    @DisplayName("a draft travels as two characters per category (xx for 100) and only fits the categories it was made for")
    void draftCodec() {
        assertThat(MixFlow.encode(new int[] {70, 30, 0})).isEqualTo("703000");
        assertThat(MixFlow.encode(new int[] {100, 0})).isEqualTo("xx00");
        assertThat(MixFlow.encode(new int[0])).isEqualTo("-");
        assertThat(MixFlow.decode("xx00", 2)).containsExactly(100, 0);
        assertThat(MixFlow.decode("703000", 3)).containsExactly(70, 30, 0);
        assertThat(MixFlow.decode("7030", 3)).as("a category was added since").isNull();
        assertThat(MixFlow.decode("7a30", 2)).isNull();
        assertThat(MixFlow.decode("-", 0)).isNull();
    }

    @Test
    @DisplayName("the screen lists the library's categories and the mix's; with more than 12 the mix's own are never left out")
    void categories() {
        TreeMap<String, Long> library = new TreeMap<>(Map.of("memes", 4L, "merch", 2L));
        assertThat(MixFlow.categories(library, CategoryMix.parse("quotes 100"))).containsExactly("memes", "merch", "quotes");
        TreeMap<String, Long> many = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            many.put(String.format("c%02d", i), 1L);
        }
        assertThat(MixFlow.categories(many, CategoryMix.parse("c19 60, zz 40"))).hasSize(12).contains("c19", "zz").startsWith("c00");
    }
}
