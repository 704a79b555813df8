package dev.storyline.telegram;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Telegram's limits with simulated time: no waiting in the test. */
class OutboxLimiterTest {
    private final OutboxLimiter limiter = new OutboxLimiter(OutboxLimiter.Limits.TELEGRAM);

    /** A call that started and was answered at {@code now}. */
    private void record(Long chatId, boolean message, boolean newMessage, long now) {
        limiter.started(message);
        limiter.finished(chatId, message, newMessage, now);
    }

    @Test
    @DisplayName("messages in flight hold their place: with 30 unanswered, the next waits for an answer")
    void inFlightCounts() {
        for (int i = 0; i < 30; i++) {
            limiter.started(true);
        }
        assertThat(limiter.globalReadyAt(0)).isEqualTo(Long.MAX_VALUE);

        limiter.finished(1L, true, true, 500);
        assertThat(limiter.globalReadyAt(600)).isEqualTo(1_550);
    }

    @Test
    @DisplayName("at most 30 messages in any 1.05 s overall; the 31st waits for the first to leave the window")
    void global() {
        for (int i = 0; i < 30; i++) {
            assertThat(limiter.readyAt((long) (i + 1), true, true, 1_000)).isEqualTo(1_000);
            record((long) (i + 1), true, true, 1_000);
        }

        assertThat(limiter.readyAt(99L, true, true, 1_000)).isEqualTo(2_050);
        assertThat(limiter.readyAt(99L, true, true, 2_050)).isEqualTo(2_050);
    }

    @Test
    @DisplayName("calls that are not messages (answers, reads) are not held back by the message limit")
    void nonMessagesPass() {
        for (int i = 0; i < 30; i++) {
            record((long) (i + 1), true, true, 0);
        }

        assertThat(limiter.readyAt(null, false, false, 10)).isEqualTo(10);
    }

    @Test
    @DisplayName("one message per second to a chat, private or group")
    void perChat() {
        record(42L, true, true, 5_000);
        record(-42L, true, true, 5_000);

        assertThat(limiter.readyAt(42L, true, true, 5_500)).isEqualTo(6_050);
        assertThat(limiter.readyAt(-42L, true, false, 5_500)).isEqualTo(6_050);
        assertThat(limiter.readyAt(43L, true, true, 5_500)).isEqualTo(5_500);
    }

    @Test
    @DisplayName("at most 20 new messages a minute to a group: the 21st waits until the first is a minute old")
    void groupMinute() {
        long now = 0;
        for (int i = 0; i < 20; i++) {
            now = limiter.readyAt(-100L, true, true, now);
            record(-100L, true, true, now);
        }
        assertThat(now).isEqualTo(19 * 1_050);

        assertThat(limiter.readyAt(-100L, true, true, now)).isEqualTo(61_000);
        // an edit is only held back by the per-chat second
        assertThat(limiter.readyAt(-100L, true, false, now)).isEqualTo(now + 1_050);
    }

    @Test
    @DisplayName("a 429 for a chat holds that chat back for retry_after; a chatless 429 holds everything")
    void blocks() {
        limiter.blockChat(-7L, 9_000);
        assertThat(limiter.readyAt(-7L, true, true, 1_000)).isEqualTo(9_000);
        assertThat(limiter.readyAt(-8L, true, true, 1_000)).isEqualTo(1_000);

        limiter.blockAll(4_000);
        assertThat(limiter.readyAt(-8L, true, true, 1_000)).isEqualTo(4_000);
        assertThat(limiter.readyAt(null, false, false, 1_000)).isEqualTo(4_000);
    }

    @Test
    @DisplayName("idle chats are forgotten once no limit needs them")
    void forget() {
        record(1L, true, true, 0);
        record(-2L, true, true, 0);

        limiter.forgetIdle(2_000);
        assertThat(limiter.trackedChats()).isEqualTo(1); // the group's minute still counts
        limiter.forgetIdle(61_000);
        assertThat(limiter.trackedChats()).isZero();
    }
}
