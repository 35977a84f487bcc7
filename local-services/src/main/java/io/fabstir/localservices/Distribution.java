package io.fabstir.localservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Which Elasticsearch to run and on which JDK: 9.x where a JDK 21+ is on the machine (9.x needs it), else 8.19.x on
 * a JDK 17+. Both zips are resolved by the build ({@code versions.properties} names them).
 * {@code fabstir.es.version} / {@code FABSTIR_ES_VERSION} forces a version.
 */
record Distribution(String version, Path javaHome, String why) {

    static final int JAVA_FOR_9 = 21;
    static final int JAVA_FOR_8 = 17;

    static Distribution choose() {
        Properties built = versions();
        String env = SharedServices.setting("FABSTIR_ES_VERSION");
        String forced = env != null ? env : System.getProperty("fabstir.es.version");
        if (forced != null) {
            int needs = requiredJava(forced);
            Path jdk = Install.javaHome(needs).orElseThrow(() -> new IllegalStateException("no JDK >= " + needs
                    + " found for Elasticsearch " + forced + " (tried " + Install.javaCandidates()
                    + "); set -Dfabstir.es.java.home or ES_JAVA_HOME"));
            return new Distribution(forced, jdk, "forced by fabstir.es.version");
        }
        String nine = built.getProperty("elasticsearch9.version");
        String eight = built.getProperty("elasticsearch.version");
        Optional<Path> jdk21 = Install.javaHome(JAVA_FOR_9);
        if (jdk21.isPresent() && nine != null && Install.zipPresent(nine)) {
            return new Distribution(nine, jdk21.get(), "JDK " + JAVA_FOR_9 + "+ found");
        }
        String why = jdk21.isEmpty() ? "no JDK " + JAVA_FOR_9 + "+ for 9.x" : "the " + nine + " zip is not in the local repository";
        Path jdk = Install.javaHome(JAVA_FOR_8).orElseThrow(() -> new IllegalStateException("no JDK >= " + JAVA_FOR_8
                + " found for Elasticsearch (tried " + Install.javaCandidates()
                + "); set -Dfabstir.es.java.home or ES_JAVA_HOME"));
        return new Distribution(eight, jdk, why);
    }

    static int requiredJava(String version) {
        return Install.feature(version) >= 9 ? JAVA_FOR_9 : JAVA_FOR_8;
    }

    private static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = Distribution.class.getResourceAsStream("versions.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("elasticsearch.version");
        if (v == null || v.startsWith("$")) throw new IllegalStateException("Elasticsearch version unknown (versions.properties)");
        return p;
    }
}
