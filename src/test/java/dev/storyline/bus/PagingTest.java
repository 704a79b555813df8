package dev.storyline.bus;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PagingTest {
    @Test
    @DisplayName("firstAfter pages what is in memory by key: each page follows the last key of the one before, none twice, none lost")
    void firstAfter() {
        List<Long> ids = new ArrayList<>();
        for (long id = -1_000_000_000_500L; id < -1_000_000_000_000L; id += 3) {
            ids.add(id);
        }
        Collections.shuffle(ids, new Random(7));

        assertThat(Paging.firstAfter(ids, Long::longValue, null, 3)).containsExactly(-1_000_000_000_500L, -1_000_000_000_497L,
                -1_000_000_000_494L);
        List<Long> seen = new ArrayList<>();
        Long after = null;
        List<Long> page;
        do {
            page = Paging.firstAfter(ids, Long::longValue, after, 40);
            seen.addAll(page);
            after = page.isEmpty() ? null : page.get(page.size() - 1);
        } while (page.size() == 40);
        assertThat(seen).hasSameSizeAs(ids).isSorted().doesNotHaveDuplicates();
        assertThat(Paging.firstAfter(ids, Long::longValue, Collections.max(ids), 10)).isEmpty();
    }
}
