package io.fabstir.shipper.demo;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Facts about the build that made this jar (filtered in by Maven). */
final class BuildInfo {
    private BuildInfo() {
    }

    /**
     * The Maven local repository of the build, where the Elasticsearch distribution zip was resolved, or null. The
     * local-services kit looks in ~/.m2 by default; a build with {@code -Dmaven.repo.local} put the zip elsewhere.
     */
    static String mavenRepository() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("maven.repo.local");
            return v == null || v.isBlank() || v.startsWith("${") ? null : v;
        } catch (IOException e) {
            return null;
        }
    }
}
