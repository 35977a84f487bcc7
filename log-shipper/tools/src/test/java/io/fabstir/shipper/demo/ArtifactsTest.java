package io.fabstir.shipper.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArtifactsTest {
    @TempDir
    Path repo;

    @Test
    void jarsAreFoundUnderTheWorkingDirectory() throws IOException {
        Path node = touch(repo.resolve("examples/target/fabstir-example-node.jar"));
        Path agent = touch(repo.resolve("otel-agent/target/fabstir-otel-agent.jar"));

        Artifacts found = Artifacts.locate(null, null, repo, null);

        assertThat(found.nodeJar()).isEqualTo(node);
        assertThat(found.agentJar()).isEqualTo(agent);
    }

    @Test
    void jarsAreFoundNextToTheShipperJarsOwnBuildFromAnyWorkingDirectory(@TempDir Path elsewhere) throws IOException {
        // A build with -Dbuild.out=target-x puts every module's output in target-x.
        Path shipper = touch(repo.resolve("log-shipper/tools/target-x/fabstir-shipper-tools.jar"));
        Path node = touch(repo.resolve("examples/target-x/fabstir-example-node.jar"));
        Path agent = touch(repo.resolve("otel-agent/target-x/fabstir-otel-agent.jar"));

        Artifacts found = Artifacts.locate(null, null, elsewhere, shipper);

        assertThat(found.nodeJar()).isEqualTo(node);
        assertThat(found.agentJar()).isEqualTo(agent);
    }

    @Test
    void anUnbuiltJarIsReportedWithTheBuildCommandAndTheOption() throws IOException {
        touch(repo.resolve("otel-agent/target/fabstir-otel-agent.jar"));

        assertThatThrownBy(() -> Artifacts.locate(null, null, repo, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("example node jar was not found")
                .hasMessageContaining(repo.resolve("examples/target/fabstir-example-node.jar").toString())
                .hasMessageContaining("mvn -B -ntp -DskipTests install")
                .hasMessageContaining("--node-jar");
    }

    @Test
    void aGivenJarThatDoesNotExistIsRefusedNamingTheOption() throws IOException {
        touch(repo.resolve("examples/target/fabstir-example-node.jar"));

        assertThatThrownBy(() -> Artifacts.locate(null, repo.resolve("agent.jar"), repo, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--agent-jar " + repo.resolve("agent.jar") + ": no such file");
    }

    @Test
    void aGivenJarWinsOverTheBuildTree() throws IOException {
        touch(repo.resolve("examples/target/fabstir-example-node.jar"));
        touch(repo.resolve("otel-agent/target/fabstir-otel-agent.jar"));
        Path mine = touch(repo.resolve("my-node.jar"));

        assertThat(Artifacts.locate(mine, null, repo, null).nodeJar()).isEqualTo(mine);
    }

    private static Path touch(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.write(p, new byte[] {'P', 'K'});
    }
}
