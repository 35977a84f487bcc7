package io.fabstir.examples.ops;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One Alertmanager {@code time_intervals} entry (weekdays, one time range, location) and where the alert test places
 * it. Alertmanager mutes by the real clock and has no setting to move it, so the test moves the window instead: the
 * inside copy covers the test's own "now" (and the run after it) on today's weekday, the outside copy ends hours
 * before it. Either verdict therefore holds at any instant of the week, weekends included.
 */
record BusinessHours(List<String> weekdays, LocalTime start, LocalTime end, ZoneId location) {
    /** How long after "now" a placed window must keep its verdict: the alert test's own time-out, with room to spare. */
    static final Duration RUN = Duration.ofMinutes(30);
    private static final String ZONEINFO = "/usr/share/zoneinfo";

    /** Whether Alertmanager would consider {@code t} inside: weekday ranges inclusive, start inclusive, end exclusive. */
    boolean contains(Instant t) {
        ZonedDateTime local = t.atZone(location);
        LocalTime time = local.toLocalTime();
        return onWeekday(local.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
    }

    private boolean onWeekday(DayOfWeek day) {
        for (String w : weekdays) {
            String[] range = w.split(":");
            DayOfWeek from = day(range[0]);
            DayOfWeek to = range.length == 2 ? day(range[1]) : from;
            if (day.getValue() >= from.getValue() && day.getValue() <= to.getValue()) {
                return true;
            }
        }
        return false;
    }

    private static DayOfWeek day(String name) {
        return DayOfWeek.valueOf(name.strip().toUpperCase(Locale.ROOT));
    }

    /** The entry as Alertmanager's YAML has it. */
    Map<String, Object> toYaml() {
        Map<String, Object> times = new LinkedHashMap<>();
        times.put("start_time", start.toString());
        times.put("end_time", end.toString());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("weekdays", List.copyOf(weekdays));
        entry.put("times", List.of(times));
        entry.put("location", location.getId());
        return entry;
    }

    /** The named interval of a shipped alertmanager.yml; it must be one entry with one time range. */
    @SuppressWarnings("unchecked")
    static BusinessHours shipped(Path alertmanagerYml, String name) throws IOException {
        Map<String, Object> tree = new Yaml().load(Files.readString(alertmanagerYml));
        for (Object t : (List<Object>) tree.get("time_intervals")) {
            Map<String, Object> named = (Map<String, Object>) t;
            if (!name.equals(named.get("name"))) {
                continue;
            }
            List<Object> entries = (List<Object>) named.get("time_intervals");
            if (entries.size() != 1) {
                throw new IllegalStateException(name + " in " + alertmanagerYml + " has " + entries.size()
                        + " entries; the test places exactly one");
            }
            Map<String, Object> entry = (Map<String, Object>) entries.get(0);
            List<Object> times = (List<Object>) entry.get("times");
            Map<String, Object> range = (Map<String, Object>) times.get(0);
            return new BusinessHours(((List<Object>) entry.get("weekdays")).stream().map(String::valueOf).toList(),
                    LocalTime.parse(String.valueOf(range.get("start_time"))),
                    LocalTime.parse(String.valueOf(range.get("end_time"))),
                    ZoneId.of(String.valueOf(entry.getOrDefault("location", "UTC"))));
        }
        throw new IllegalStateException(alertmanagerYml + " has no time interval named " + name);
    }

    /**
     * The window placed for a run starting at {@code now}: in a fixed-offset zone where it is around noon (so neither
     * side of the window can reach midnight), on that zone's weekday. Inside: from two hours before now to
     * {@link #RUN} plus two hours after. Outside: a window of the same day that ended two hours before now.
     */
    static BusinessHours placedFor(Instant now, boolean inside) {
        ZoneId zone = noonZone(now);
        ZonedDateTime local = now.atZone(zone).truncatedTo(ChronoUnit.MINUTES);
        LocalTime t = local.toLocalTime();
        String weekday = local.getDayOfWeek().name().toLowerCase(Locale.ROOT);
        return inside
                ? new BusinessHours(List.of(weekday), t.minusHours(2), t.plus(RUN).plusHours(2), zone)
                : new BusinessHours(List.of(weekday), t.minusHours(8), t.minusHours(2), zone);
    }

    /**
     * {@code Etc/GMT-k} is UTC+k (POSIX sign): the offset that puts local time in [12:00, 13:00). Alertmanager reads
     * the zone from the system's zoneinfo, so the file must be there.
     */
    static ZoneId noonZone(Instant now) {
        int utcHour = now.atZone(ZoneOffset.UTC).getHour();
        int offset = 12 - utcHour; // -11 .. +12, all of which tzdata has
        String id = offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-" + offset : "Etc/GMT+" + -offset;
        if (!Files.isRegularFile(Path.of(ZONEINFO, id))) {
            throw new IllegalStateException(ZONEINFO + "/" + id + " is missing, and Alertmanager reads time zones from "
                    + ZONEINFO + ": install the Debian package tzdata (.ci/run does)");
        }
        return ZoneId.of(id);
    }
}
