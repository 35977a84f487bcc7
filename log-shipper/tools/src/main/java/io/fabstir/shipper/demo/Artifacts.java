package io.fabstir.shipper.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The two jars the demo starts the node with, from the options or else from the build tree: relative to the
 * working directory, and relative to this shipper's own build ({@code log-shipper/tools/target/fabstir-shipper-tools.jar}
 * sits three levels below the repository root).
 */
record Artifacts(Path nodeJar, Path agentJar) {
    static final String BUILD_COMMAND = "mvn -B -ntp -DskipTests install";
    static final String NODE_JAR = "fabstir-example-node.jar";
    static final String AGENT_JAR = "fabstir-otel-agent.jar";

    static Artifacts locate(Path nodeJarOption, Path agentJarOption, Path workingDir, Path shipperCode) {
        List<Path> roots = new ArrayList<>();
        roots.add(workingDir.toAbsolutePath().normalize());
        Set<String> buildDirs = new LinkedHashSet<>();
        Path buildDir = shipperCode == null ? null : shipperCode.toAbsolutePath().normalize().getParent();
        Path root = buildDir == null ? null : buildDir.getParent(); // log-shipper/tools
        for (int up = 0; up < 2 && root != null; up++) {
            root = root.getParent();
        }
        if (root != null) {
            roots.add(root);
            buildDirs.add(buildDir.getFileName().toString()); // e.g. target-xyz for a build with -Dbuild.out
        }
        buildDirs.add("target");
        Path node = resolve(nodeJarOption, "--node-jar", "the example node jar", "examples", NODE_JAR, roots, buildDirs);
        Path agent = resolve(agentJarOption, "--agent-jar", "the Fabstir agent jar", "otel-agent", AGENT_JAR, roots,
                buildDirs);
        return new Artifacts(node, agent);
    }

    /** Where this class was loaded from: the tools jar, or {@code log-shipper/tools/target/classes}. */
    static Path shipperCode() {
        try {
            return Path.of(Artifacts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static Path resolve(Path option, String flag, String what, String module, String name, List<Path> roots,
                                Set<String> buildDirs) {
        if (option != null) {
            if (!Files.isRegularFile(option)) {
                throw new IllegalArgumentException(flag + " " + option + ": no such file (build " + what
                        + " with `" + BUILD_COMMAND + "` in the repository root)");
            }
            return option.toAbsolutePath().normalize();
        }
        Set<Path> tried = new LinkedHashSet<>();
        for (Path root : roots) {
            for (String dir : buildDirs) {
                Path p = root.resolve(module).resolve(dir).resolve(name).normalize();
                if (Files.isRegularFile(p)) {
                    return p;
                }
                tried.add(p);
            }
        }
        throw new IllegalArgumentException(what + " was not found (looked for " + tried + "): build it with `"
                + BUILD_COMMAND + "` in the repository root, or pass " + flag + " FILE");
    }
}
