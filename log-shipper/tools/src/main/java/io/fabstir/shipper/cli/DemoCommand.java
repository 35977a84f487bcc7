package io.fabstir.shipper.cli;

import io.fabstir.shipper.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;


/** {@code fabstir-shipper demo}: the whole pipeline on this machine, on real Kafka and Elasticsearch. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs the whole pipeline on this machine with real parts and reports what arrived: a Kafka broker "
                + "(KRaft, in this JVM) and an Elasticsearch node (child process) from the local-services kit, the "
                + "index templates, `tail` and `index` (in this JVM), and the example node (child JVM under "
                + "-javaagent:fabstir-otel-agent.jar) simulating GPU inference jobs for --duration.",
            "Then it prints the daily indices with their counts by event.dataset, the saved searches of "
                + "elastic-templates' kibana/queries.json with their hits, one failed job followed to its "
                + "trace.id, where to point Kibana, Grafana and Prometheus, the time from the command's start to "
                + "the first searchable record, and the total time. Nothing is left running afterwards (the "
                + "node and Elasticsearch also exit if this JVM is killed).",
            ""},
        footer = {"",
            "Traces: the node's agent exports none (otel.traces.exporter=none) unless --otlp-endpoint is given; "
                + "metrics are on the node's /metrics either way.",
            "Exit codes: 0 when fabstir.job, fabstir.audit and fabstir.performance records all reached "
                + "Elasticsearch; 1 when one did not or a part failed to start (the reason is printed); 2: invalid "
                + "option or a jar not built; 130: stopped with Ctrl-C."})
public final class DemoCommand implements Callable<Integer>, ShipperCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long the example node runs before the report, e.g. 30s, 5m (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--keep-running", description = "After the report, keep everything up (the node keeps "
            + "working) for exploring until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--node-jar", paramLabel = "FILE", description = "The example node jar (default: "
            + "examples/target/fabstir-example-node.jar, looked up from the working directory and from this jar's "
            + "build tree).")
    Path nodeJar;

    @Option(names = "--agent-jar", paramLabel = "FILE", description = "The agent (default: "
            + "otel-agent/target/fabstir-otel-agent.jar, looked up the same way).")
    Path agentJar;

    @Option(names = "--otlp-endpoint", paramLabel = "URL", description = "Export the node's traces over OTLP/HTTP "
            + "to this endpoint, e.g. Jaeger's http://localhost:4318 (default: traces are not exported).")
    String otlpEndpoint;

    @Option(names = "--jaeger-url", paramLabel = "URL", defaultValue = "http://localhost:16686",
            description = "Jaeger UI base for the printed trace links {url}/trace/<trace.id> (default ${DEFAULT-VALUE}).")
    String jaegerUrl;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Keep Kafka's and Elasticsearch's data, the "
            + "node's logs and demo.log here, and leave them afterwards (default: a temporary directory, deleted "
            + "after a successful run).")
    Path workDir;

    @Option(names = "--node-id", paramLabel = "ID", defaultValue = "demo-node-1",
            description = "fabstir.node_id of the node's records (default ${DEFAULT-VALUE}).")
    String nodeId;

    @Option(names = "--verbose", description = "Show the INFO logs of Kafka, tail and index on the console too "
            + "(default: warnings only; everything goes to demo.log in the work directory).")
    boolean verbose;

    @Override
    public Integer call() {
        Demo demo;
        try {
            Duration d = CentralSettings.parseDuration(duration);
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("--duration: '" + duration
                        + "' is not a positive duration such as 60s or 5m");
            }
            demo = Demo.builder().duration(d).keepRunning(keepRunning).nodeJar(nodeJar).agentJar(agentJar)
                    .otlpEndpoint(otlpEndpoint).jaegerUrl(jaegerUrl).workDir(workDir).nodeId(nodeId)
                    .verbose(verbose).build();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("fabstir-shipper demo: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
        return demo.run(spec.commandLine().getOut());
    }
}
