package io.fabstir.localservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finding, unpacking and running the Elasticsearch distribution on this machine. */
final class Install {
    private static final Logger log = LoggerFactory.getLogger(Install.class);

    private Install() {}

    /** The unpacked distribution home for {@code version}, unpacking the zip once per machine. */
    static synchronized Path ensure(String version) {
        Path cache = cacheDir();
        Path home = cache.resolve("elasticsearch-" + version);
        if (Files.isRegularFile(home.resolve("bin/elasticsearch"))) return withShim(home, version);
        Path zip = findZip(version);
        try {
            Files.createDirectories(cache);
            if (isRoot()) {
                // The unprivileged ES user must reach the install through every parent.
                Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Path tmp = Files.createTempDirectory(cache, ".unzip-");
            unzip(zip, tmp);
            Path unpacked = tmp.resolve("elasticsearch-" + version);
            try {
                Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // another JVM unpacked it first
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(unpacked, home);
            }
            Dirs.deleteRecursively(tmp);
            log.info("Elasticsearch {} unpacked from {} into {}", version, zip, home);
            return withShim(home, version);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip + " into " + cache, e);
        }
    }

    private static Path withShim(Path home, String version) {
        try {
            AnalysisShim.ensure(home, version);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add the analysis shim plugin to " + home, e);
        }
    }

    static Path cacheDir() {
        String v = SharedServices.setting("FABSTIR_CACHE_DIR");
        if (v == null) v = System.getProperty("fabstir.cache.dir");
        if (v != null) return Path.of(v);
        // root's home is usually mode 700, out of reach of the ES user.
        if (isRoot()) return Path.of("/var/cache/fabstir");
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("fabstir");
    }

    static boolean zipPresent(String version) {
        try {
            findZip(version);
            return true;
        } catch (IllegalStateException missing) {
            return false;
        }
    }

    static Path findZip(String version) {
        String name = "elasticsearch-" + version + ".zip";
        List<Path> tried = new ArrayList<>();
        String explicit = System.getProperty("fabstir.es.zip");
        if (explicit != null) return Path.of(explicit);
        for (String repo : new String[] {System.getProperty("fabstir.maven.repo"), System.getProperty("maven.repo.local"),
                System.getProperty("user.home") + "/.m2/repository"}) {
            if (repo == null) continue;
            Path p = Path.of(repo, "org/elasticsearch/distribution/integ-test-zip/elasticsearch", version, name);
            tried.add(p);
            if (Files.isRegularFile(p)) return p;
        }
        // The zip is a dependency of this module, so it is often on the class path itself.
        for (String e : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (e.endsWith("/" + name) && Files.isRegularFile(Path.of(e))) return Path.of(e);
        }
        throw new IllegalStateException("Elasticsearch distribution " + name + " not found (tried " + tried
                + " and the class path); run `mvn -pl local-services dependency:resolve` or set -Dfabstir.es.zip=...");
    }

    private static void unzip(Path zip, Path target) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = z.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) throw new IOException("bad zip entry " + e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = z.getInputStream(e)) {
                    Files.copy(in, out);
                }
                // java.util.zip drops unix modes: scripts and native binaries need +x.
                String n = e.getName();
                boolean exec = n.contains("/bin/") && !n.endsWith(".bat") && !n.endsWith(".exe");
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        try (Stream<Path> s = Files.walk(target)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    /** The first JDK of at least {@code minFeature} among {@link #javaCandidates()}. */
    static Optional<Path> javaHome(int minFeature) {
        for (String c : javaCandidates()) {
            Path home = Path.of(c);
            if (Files.isExecutable(home.resolve("bin/java")) && feature(javaVersion(home)) >= minFeature) {
                return Optional.of(home);
            }
        }
        return Optional.empty();
    }

    /** Where a JDK for ES is looked for: fabstir.es.java.home, this JVM, ES_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/*. */
    static List<String> javaCandidates() {
        List<String> candidates = new ArrayList<>();
        candidates.add(System.getProperty("fabstir.es.java.home"));
        candidates.add(System.getProperty("java.home"));
        candidates.add(System.getenv("ES_JAVA_HOME"));
        candidates.add(System.getenv("JAVA_HOME"));
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/jvm"))) {
            s.sorted().forEach(p -> candidates.add(p.toString()));
        } catch (IOException ignored) {
            // no system JDKs
        }
        candidates.removeIf(c -> c == null || c.isBlank());
        return candidates;
    }

    static String javaVersion(Path home) {
        if (home.equals(Path.of(System.getProperty("java.home")))) return System.getProperty("java.version");
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) return line.substring(13).replace("\"", "");
            }
        } catch (IOException ignored) {
            // unknown
        }
        return "0";
    }

    static int feature(String version) {
        try {
            String head = version.startsWith("1.") ? version.substring(2) : version;
            return Integer.parseInt(head.split("[^0-9]")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * The instance dir the ES user can reach: {@code dir} itself, after granting o+x on temp-dir parents that lack it
     * (e.g. JUnit's 700 temp dirs); otherwise a private dir under /tmp.
     */
    static Path usableInstanceDir(Path dir, boolean root) {
        try {
            Files.createDirectories(dir);
            if (!root) return dir;
            Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
            Path real = dir.toRealPath();
            boolean reachable = true;
            for (Path p = real.getParent(); p != null; p = p.getParent()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (perms.contains(PosixFilePermission.OTHERS_EXECUTE)) continue;
                if (p.startsWith(tmp) && !p.equals(tmp)) {
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                    Files.setPosixFilePermissions(p, perms);
                } else {
                    reachable = false;
                }
            }
            if (reachable) return dir;
            Path alt = Files.createTempDirectory("fabstir-es-");
            Files.setPosixFilePermissions(alt, PosixFilePermissions.fromString("rwx--x--x"));
            log.warn("{} is not reachable by user {}; Elasticsearch keeps its files in {} instead", dir,
                    LocalElasticsearch.ES_USER, alt);
            return alt;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the system user if missing; tolerates another JVM creating it at the same moment. */
    static synchronized void ensureUser() {
        if (userExists()) return;
        String detail;
        try {
            Process p = new ProcessBuilder("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    LocalElasticsearch.ES_USER).redirectErrorStream(true).start();
            detail = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            detail = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detail = e.toString();
        }
        if (!userExists()) {
            throw new IllegalStateException("cannot create user " + LocalElasticsearch.ES_USER
                    + ": run as root or start Elasticsearch yourself and set FABSTIR_ES_URL (" + detail + ")");
        }
        log.info("created system user {}", LocalElasticsearch.ES_USER);
    }

    private static boolean userExists() {
        try {
            Process p = new ProcessBuilder("id", "-u", LocalElasticsearch.ES_USER)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void chownRecursively(Path dir, String user) throws IOException {
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal u = lookup.lookupPrincipalByName(user);
        GroupPrincipal g = lookup.lookupPrincipalByGroupName(user);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                v.setOwner(u);
                v.setGroup(g);
            }
        }
    }
}
