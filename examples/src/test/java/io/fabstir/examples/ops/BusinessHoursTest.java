package io.fabstir.examples.ops;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped business-hours mute is what the README says, and the alert test's placed windows give the same verdict
 * whatever instant of the week the test starts at: "now" is moved here over every minute of a week, weekend included.
 */
class BusinessHoursTest {
    private static final Instant MONDAY = Instant.parse("2026-11-30T00:00:00Z");
    private static final BusinessHours SHIPPED = shipped();

    @Test
    void shippedWindowIsTheOneTheReadmeStates() throws Exception {
        String readme = Files.readString(OpsTools.moduleDir().resolveSibling("README.md"));
        Matcher m = Pattern.compile("muted (\\d\\d:\\d\\d)–(\\d\\d:\\d\\d) (\\w{3})–(\\w{3})").matcher(readme);
        assertThat(m.find()).as("the README's alert table names the muted window").isTrue();
        assertThat(SHIPPED.start()).isEqualTo(LocalTime.parse(m.group(1)));
        assertThat(SHIPPED.end()).isEqualTo(LocalTime.parse(m.group(2)));
        assertThat(SHIPPED.weekdays()).containsExactly(dayName(m.group(3)) + ":" + dayName(m.group(4)));
    }

    @Test
    void shippedWindowMutesWeekdaysFromNineToFive() {
        assertThat(SHIPPED.contains(at("2026-11-30T09:00:00Z"))).as("Monday 09:00").isTrue();
        assertThat(SHIPPED.contains(at("2026-11-30T08:59:59Z"))).as("Monday 08:59").isFalse();
        assertThat(SHIPPED.contains(at("2026-12-04T16:59:59Z"))).as("Friday 16:59").isTrue();
        assertThat(SHIPPED.contains(at("2026-12-04T17:00:00Z"))).as("Friday 17:00").isFalse();
        assertThat(SHIPPED.contains(at("2026-12-05T12:00:00Z"))).as("Saturday noon").isFalse();
        assertThat(SHIPPED.contains(at("2026-12-06T12:00:00Z"))).as("Sunday noon").isFalse();
    }

    @Test
    void insideWindowCoversTheWholeRunFromAnyMinuteOfTheWeek() {
        for (Instant now = MONDAY; now.isBefore(MONDAY.plus(Duration.ofDays(7))); now = now.plusSeconds(60)) {
            BusinessHours inside = BusinessHours.placedFor(now, true);
            assertThat(inside.contains(now) && inside.contains(now.plus(BusinessHours.RUN)))
                    .as("inside window %s for now %s", inside, now).isTrue();
        }
    }

    @Test
    void outsideWindowCoversNoneOfTheRunFromAnyMinuteOfTheWeek() {
        for (Instant now = MONDAY; now.isBefore(MONDAY.plus(Duration.ofDays(7))); now = now.plusSeconds(60)) {
            BusinessHours outside = BusinessHours.placedFor(now, false);
            for (Instant t = now; !t.isAfter(now.plus(BusinessHours.RUN)); t = t.plusSeconds(60)) {
                assertThat(outside.contains(t)).as("outside window %s at %s for now %s", outside, t, now).isFalse();
            }
        }
    }

    @Test
    void placedWindowsNeverWrapPastMidnight() {
        for (Instant now = MONDAY; now.isBefore(MONDAY.plus(Duration.ofDays(1))); now = now.plusSeconds(60)) {
            for (boolean inside : new boolean[] {true, false}) {
                BusinessHours w = BusinessHours.placedFor(now, inside);
                assertThat(w.start()).as("%s for %s", w, now).isBefore(w.end());
            }
        }
    }

    @Test
    void weekendNowIsPlacedOnItsOwnLocalWeekday() {
        assertThat(BusinessHours.placedFor(at("2026-12-05T03:00:00Z"), true).weekdays()).containsExactly("saturday");
        assertThat(BusinessHours.placedFor(at("2026-12-06T23:59:00Z"), true).weekdays()).containsExactly("sunday");
        assertThat(BusinessHours.placedFor(at("2026-12-07T00:00:00Z"), true).weekdays()).containsExactly("monday");
    }

    @Test
    void zoneIsChosenSoThatLocalTimeIsAroundNoon() {
        for (int h = 0; h < 24; h++) {
            Instant now = MONDAY.plus(Duration.ofHours(h)).plusSeconds(59 * 60);
            assertThat(now.atZone(BusinessHours.noonZone(now)).getHour()).as("UTC hour %d", h).isEqualTo(12);
        }
        assertThat(BusinessHours.noonZone(MONDAY).getRules().getOffset(MONDAY)).isEqualTo(ZoneOffset.ofHours(12));
    }

    private static String dayName(String abbreviation) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(abbreviation.toUpperCase(Locale.ROOT))) {
                return d.name().toLowerCase(Locale.ROOT);
            }
        }
        throw new IllegalArgumentException("not a weekday: " + abbreviation);
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    private static BusinessHours shipped() {
        try {
            return BusinessHours.shipped(OpsTools.artefact("alertmanager/alertmanager.yml"),
                    AlertStackConfig.BUSINESS_HOURS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
