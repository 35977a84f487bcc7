package io.fabstir.examples.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The example node's command line; a bad value fails at start naming the option. */
record NodeOptions(Duration duration, int workers, double failureRate, long seed, boolean exitOnStdinEof,
                   List<Injection> injections, boolean help) {

    static final String USAGE = String.join("\n",
            "usage: java -javaagent:fabstir-otel-agent.jar -jar fabstir-example-node.jar [options]",
            "  --duration DURATION    run this long, then finish the jobs in progress and exit (e.g. 60s, 5m;",
            "                         default: until SIGTERM, or stdin closes with --exit-on-stdin-eof)",
            "  --workers N            GPUs simulated, one job at a time each (default 3)",
            "  --failure-rate RATE    share of jobs that fail, 0..1 (default 0.08)",
            "  --seed N               random seed, for a run that repeats itself (default: random, logged at start)",
            "  --exit-on-stdin-eof    exit when stdin closes, i.e. when the parent process is gone",
            "  --inject KIND@TIME     from TIME into the run (default 0s) inject a condition the alerts watch;",
            "                         repeatable. gas-spike: gas at 150 gwei; gas-flap: 150 gwei 8 s, normal 2 s,",
            "                         repeated; reputation-drop: reputation 15 points lower",
            "  --help                 this text",
            "Logging: the Fabstir Logback include (logback.xml); -Dfabstir.log.dir=DIR puts the JSON file there.");

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    static NodeOptions parse(String... args) {
        Duration duration = null;
        int workers = 3;
        double failureRate = 0.08;
        long seed = System.nanoTime();
        boolean exitOnEof = false;
        boolean help = false;
        List<Injection> injections = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--duration" -> duration = duration(value != null ? value : next(args, ++i, a));
                case "--workers" -> workers = integer(a, value != null ? value : next(args, ++i, a), 1, 64);
                case "--failure-rate" -> failureRate = rate(value != null ? value : next(args, ++i, a));
                case "--seed" -> seed = seed(value != null ? value : next(args, ++i, a));
                case "--exit-on-stdin-eof" -> exitOnEof = true;
                case "--inject" -> injections.add(Injection.parse(value != null ? value : next(args, ++i, a)));
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            }
        }
        return new NodeOptions(duration, workers, failureRate, seed, exitOnEof, List.copyOf(injections), help);
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static Duration duration(String v) {
        Matcher m = DURATION.matcher(v.trim().toLowerCase(Locale.ROOT));
        Duration d = null;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        if (d == null || d.isZero()) {
            throw new IllegalArgumentException("--duration: '" + v + "' is not a positive duration such as 30s or 5m");
        }
        return d;
    }

    private static int integer(String option, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(option + ": " + n + " is outside " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + v + "' is not a whole number");
        }
    }

    private static double rate(String v) {
        try {
            double r = Double.parseDouble(v.trim());
            if (!(r >= 0 && r <= 1)) {
                throw new IllegalArgumentException("--failure-rate: " + v + " is outside 0..1 (e.g. 0.08 for 8%)");
            }
            return r;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--failure-rate: '" + v + "' is not a number such as 0.08");
        }
    }

    private static long seed(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed: '" + v + "' is not a whole number");
        }
    }
}
