package dev.storyline.plan;

import dev.storyline.plan.SlotPlanner.Slot;
import dev.storyline.plan.SlotPlanner.Window;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlotPlannerTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final LocalDate DAY = LocalDate.of(2026, 11, 23);

    private static Instant at(LocalDate date, int hour, int minute, ZoneId zone) {
        return ZonedDateTime.of(date, java.time.LocalTime.of(hour, minute), zone).toInstant();
    }

    /** Every slot lies in [start, end) of its window and the slots are in time order. */
    private static void assertInside(List<Slot> slots, Instant start, Instant end) {
        assertThat(slots).allSatisfy(s -> assertThat(s.at()).isAfterOrEqualTo(start).isBefore(end));
        assertThat(slots).isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
    }

    @Test
    @DisplayName("3 a day in 09–21 UTC: base slots 09:00, 13:00, 17:00, each within ±30 min")
    void threeADay() {
        List<Slot> slots = SlotPlanner.day(-100, new Window(3, 9, 21, UTC), DAY);

        assertThat(slots).hasSize(3).extracting(Slot::index).containsExactly(0, 1, 2);
        int[] baseHours = {9, 13, 17};
        for (int i = 0; i < 3; i++) {
            Duration offset = Duration.between(at(DAY, baseHours[i], 0, UTC), slots.get(i).at()).abs();
            assertThat(offset).isLessThanOrEqualTo(Duration.ofMinutes(30));
        }
        assertThat(slots.get(0).at()).as("clamped: never before the window opens").isAfterOrEqualTo(at(DAY, 9, 0, UTC));
        assertThat(slots).extracting(Slot::key).containsExactly("2026-11-23#0", "2026-11-23#1", "2026-11-23#2");
    }

    @Test
    @DisplayName("the jitter is deterministic per (tenant, date, index) and differs between them")
    void deterministic() {
        Window window = new Window(3, 9, 21, UTC);
        assertThat(SlotPlanner.day(-100, window, DAY)).isEqualTo(SlotPlanner.day(-100, window, DAY));
        assertThat(SlotPlanner.day(-100, window, DAY)).isNotEqualTo(SlotPlanner.day(-101, window, DAY));
        assertThat(SlotPlanner.day(-100, window, DAY).get(1).at().atZone(UTC).toLocalTime())
                .isNotEqualTo(SlotPlanner.day(-100, window, DAY.plusDays(1)).get(1).at().atZone(UTC).toLocalTime());
        long distinct = LongStream.range(0, 200)
                .mapToObj(t -> SlotPlanner.day(t, window, DAY).get(1).at()).distinct().count();
        assertThat(distinct).as("jitter spreads tenants").isGreaterThan(150);
        assertThat(LongStream.range(0, 200).mapToObj(t -> SlotPlanner.day(t, window, DAY).get(1).at()))
                .allSatisfy(t -> assertThat(Duration.between(at(DAY, 13, 0, UTC), t).abs()).isLessThanOrEqualTo(Duration.ofMinutes(30)));
    }

    @Test
    @DisplayName("21–03 crosses midnight: slots from 21:00 to 03:00 the next morning")
    void acrossMidnight() {
        List<Slot> slots = SlotPlanner.day(-100, new Window(3, 21, 3, UTC), DAY);

        assertInside(slots, at(DAY, 21, 0, UTC), at(DAY.plusDays(1), 3, 0, UTC));
        assertThat(Duration.between(at(DAY.plusDays(1), 1, 0, UTC), slots.get(2).at()).abs()).isLessThanOrEqualTo(Duration.ofMinutes(30));
        assertThat(slots).allSatisfy(s -> assertThat(s.date()).isEqualTo(DAY));
    }

    @Test
    @DisplayName("0–0 is the whole day: 00:00, 08:00, 16:00")
    void wholeDay() {
        List<Slot> slots = SlotPlanner.day(-100, new Window(3, 0, 0, UTC), DAY);

        assertInside(slots, at(DAY, 0, 0, UTC), at(DAY.plusDays(1), 0, 0, UTC));
        assertThat(Duration.between(at(DAY, 8, 0, UTC), slots.get(1).at()).abs()).isLessThanOrEqualTo(Duration.ofMinutes(30));
        assertThat(Duration.between(at(DAY, 16, 0, UTC), slots.get(2).at()).abs()).isLessThanOrEqualTo(Duration.ofMinutes(30));
    }

    @Test
    @DisplayName("1 a day and 50 a day: inside the window, in order, 50 distinct times")
    void extremes() {
        List<Slot> one = SlotPlanner.day(-100, new Window(1, 9, 21, UTC), DAY);
        assertThat(one).hasSize(1);
        assertInside(one, at(DAY, 9, 0, UTC), at(DAY, 9, 31, UTC));

        List<Slot> fifty = SlotPlanner.day(-100, new Window(50, 9, 21, UTC), DAY);
        assertThat(fifty).hasSize(50);
        assertInside(fifty, at(DAY, 9, 0, UTC), at(DAY, 21, 0, UTC));
        assertThat(fifty.stream().map(Slot::at).distinct()).hasSize(50);
        for (int i = 1; i < 50; i++) {
            assertThat(Duration.between(fifty.get(i - 1).at(), fifty.get(i).at())).as("spacing kept")
                    .isGreaterThanOrEqualTo(Duration.ofMinutes(4));
        }
        assertThatThrownBy(() -> new Window(51, 9, 21, UTC)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Window(0, 9, 21, UTC)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} on {1}: a {3} h day")
    @CsvSource({
            "Europe/Berlin, 2026-03-29, spring forward, 23",
            "Europe/Berlin, 2026-10-25, fall back, 25",
            "America/New_York, 2026-03-08, spring forward, 23",
            "America/New_York, 2026-11-01, fall back, 25"})
    @DisplayName("DST days: the whole-day window is 23 or 25 hours, and every slot stays inside it")
    void dst(String zoneId, LocalDate date, String what, int hours) {
        ZoneId zone = ZoneId.of(zoneId);
        Instant start = at(date, 0, 0, zone);
        Instant end = at(date.plusDays(1), 0, 0, zone);
        assertThat(Duration.between(start, end)).isEqualTo(Duration.ofHours(hours));

        List<Slot> whole = SlotPlanner.day(-100, new Window(5, 0, 0, zone), date);
        assertInside(whole, start, end);
        assertThat(Duration.between(start, whole.get(4).at()).toMinutes())
                .as("spread over the real length").isBetween(hours * 60L * 4 / 5 - 30, hours * 60L * 4 / 5 + 30);

        // a window around the change: 01–04 local
        List<Slot> night = SlotPlanner.day(-100, new Window(2, 1, 4, zone), date);
        assertInside(night, at(date, 1, 0, zone), at(date, 4, 0, zone));
        // the usual 09–21 window is untouched by the change
        assertInside(SlotPlanner.day(-100, new Window(3, 9, 21, zone), date), at(date, 9, 0, zone), at(date, 21, 0, zone));
    }

    @Test
    @DisplayName("the horizon holds only slots still ahead: from midnight, 7 days of 3 are 21")
    void horizon() {
        Window window = new Window(3, 9, 21, BERLIN);
        Instant midnight = at(DAY, 0, 0, BERLIN);

        List<Slot> week = SlotPlanner.horizon(-100, window, midnight, 7);
        assertThat(week).hasSize(21);
        assertThat(week.get(0).date()).isEqualTo(DAY);
        assertThat(week.get(20).date()).isEqualTo(DAY.plusDays(6));

        Instant afternoon = at(DAY, 15, 0, BERLIN);
        List<Slot> later = SlotPlanner.horizon(-100, window, afternoon, 7);
        assertThat(later).allSatisfy(s -> assertThat(s.at()).isAfter(afternoon));
        assertThat(later).as("today 17:00 ± 30 min and six more days").hasSize(19);

        Window night = new Window(3, 21, 3, NEW_YORK);
        Instant earlyMorning = ZonedDateTime.of(LocalDateTime.of(DAY, java.time.LocalTime.of(0, 10)), NEW_YORK).toInstant();
        List<Slot> crossing = SlotPlanner.horizon(-100, night, earlyMorning, 1);
        assertThat(crossing).as("yesterday's window still has its 01:00 slot ahead")
                .anySatisfy(s -> assertThat(s.date()).isEqualTo(DAY.minusDays(1)));
    }
}
