package dev.storyline.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one HTTP range a hosted story video answers (D29). */
class ByteRangeTest {
    @Test
    @DisplayName("first-last, first-, -suffix; past the end is 416; several ranges, another unit or nonsense get the whole file")
    void ranges() {
        assertThat(ByteRange.parse("bytes=0-15", 1000)).containsExactly(0, 15);
        assertThat(ByteRange.parse("bytes=990-", 1000)).containsExactly(990, 999);
        assertThat(ByteRange.parse("bytes=900-5000", 1000)).containsExactly(900, 999);
        assertThat(ByteRange.parse("bytes=-100", 1000)).containsExactly(900, 999);
        assertThat(ByteRange.parse("bytes=-5000", 1000)).containsExactly(0, 999);
        assertThat(ByteRange.parse("bytes=1000-", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=-0", 1000)).isEmpty();
        assertThat(ByteRange.parse(null, 1000)).isNull();
        assertThat(ByteRange.parse("bytes=0-1,5-9", 1000)).isNull();
        assertThat(ByteRange.parse("items=0-1", 1000)).isNull();
        assertThat(ByteRange.parse("bytes=abc", 1000)).isNull();
        assertThat(ByteRange.parse("bytes=9-3", 1000)).isNull();
    }
}
