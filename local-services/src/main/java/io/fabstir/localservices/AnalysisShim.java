package io.fabstir.localservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;


/**
 * Installs the {@code io.fabstir.localservices.esplugin} stable plugin into an unpacked integ-test distribution (see
 * that package for why), so its security index, and with it native users, roles and API keys, can be created.
 */
final class AnalysisShim {
    static final String NAME = "fabstir-analysis-shim";
    /*
     * By name, never as class literals: these classes implement the Elasticsearch plugin API, which is only
     * `provided` here. Loading them in a JVM without it (any module using the kit, the demo's jar) would fail, so
     * their class files are copied as resources instead.
     */
    private static final String PACKAGE = "io.fabstir.localservices.esplugin.";
    private static final List<String> CLASSES = List.of(PACKAGE + "PatternCaptureFilterFactory",
            PACKAGE + "PatternCaptureFilterFactory$Settings", PACKAGE + "UniqueFilterFactory",
            PACKAGE + "UaxUrlEmailTokenizerFactory");

    private AnalysisShim() {}

    /** Adds {@code plugins/fabstir-analysis-shim} to {@code home} unless it is there. */
    static void ensure(Path home, String version) throws IOException {
        Path plugin = home.resolve("plugins").resolve(NAME);
        if (Files.exists(plugin.resolve("stable-plugin-descriptor.properties"))) return;
        Files.createDirectories(home.resolve("plugins"));
        // Built beside and moved in whole: another JVM may start this distribution meanwhile.
        Path tmp = Files.createTempDirectory(home.resolve("plugins"), ".shim-");
        // Readable by the unprivileged user Elasticsearch runs as when this JVM is root.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (OutputStream out = Files.newOutputStream(tmp.resolve(NAME + ".jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            for (String c : CLASSES) {
                String entry = c.replace('.', '/') + ".class";
                jar.putNextEntry(new JarEntry(entry));
                try (InputStream in = AnalysisShim.class.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) throw new IOException("class file " + entry + " not found");
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
        }
        Files.writeString(tmp.resolve("stable-plugin-descriptor.properties"), "name=" + NAME + "\n"
                + "description=analysis components of the missing analysis-common module that the security index uses\n"
                + "version=1.0\n"
                + "elasticsearch.version=" + version + "\n"
                + "java.version=17\n", StandardCharsets.UTF_8);
        Files.writeString(tmp.resolve("named_components.json"), "{\n"
                + "  \"org.elasticsearch.plugin.analysis.TokenFilterFactory\": {\n"
                + "    \"pattern_capture\": \"" + PACKAGE + "PatternCaptureFilterFactory\",\n"
                + "    \"unique\": \"" + PACKAGE + "UniqueFilterFactory\"\n"
                + "  },\n"
                + "  \"org.elasticsearch.plugin.analysis.TokenizerFactory\": {\n"
                + "    \"uax_url_email\": \"" + PACKAGE + "UaxUrlEmailTokenizerFactory\"\n"
                + "  }\n"
                + "}\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, plugin, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
            Dirs.deleteRecursively(tmp);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, plugin);
        }
    }
}
