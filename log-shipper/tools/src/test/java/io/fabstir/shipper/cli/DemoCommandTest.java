package io.fabstir.shipper.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {

    @Test
    void aDurationThatIsNotPositiveFailsAtStartNamingTheOption() {
        Run r = run("demo", "--duration", "0s");

        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--duration: '0s' is not a positive duration such as 60s");
    }

    @Test
    void anOtlpEndpointThatIsNotAnHttpUrlFailsAtStartNamingTheOption() {
        Run r = run("demo", "--otlp-endpoint", "localhost:4318");

        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--otlp-endpoint: 'localhost:4318' is not an http(s) URL such as http://localhost:4318");
    }

    @Test
    void aMissingNodeJarFailsAtStartWithTheBuildCommand() {
        Run r = run("demo", "--node-jar", "no-such-node.jar");

        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--node-jar no-such-node.jar: no such file", "mvn -B -ntp -DskipTests install");
    }

    @Test
    void helpDescribesEveryOptionTracesAndExitCodes() {
        Run r = run("demo", "--help");

        assertThat(r.code).isZero();
        assertThat(r.out).contains("--duration", "--keep-running", "--node-jar", "--agent-jar", "--otlp-endpoint",
                "--jaeger-url", "--work-dir", "--node-id", "--verbose", "otel.traces.exporter=none", "Exit codes");
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = FabstirShipper.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
