package io.fabstir.shipper.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.Checkable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fabstir-shipper check COMMAND [its flags]}: validates a command's configuration and connections without
 * starting its work. The command's own flags, YAML and environment are read exactly as a run reads them.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Checks a command's configuration, files, ports and connections (Kafka TLS, credentials and ACLs; "
                + "Elasticsearch TLS, credentials, privileges and templates; Loki; the chain's RPC) without starting "
                + "its work: nothing is written to Kafka, Elasticsearch or Loki. Give the command and its usual flags, "
                + "e.g. `check tail --config /etc/fabstir/edge.yaml`; FABSTIR_* variables apply as for the command.",
            "",
            "Output: one line per check, `ok`, `warn`, `failed` or `skipped`, its name, what was found and, when "
                + "something is wrong, the setting to look at and the fix; then a summary line. --json prints one JSON "
                + "object instead: {command, passed, checks: [{name, status, detail, key?, fix?}]}. Secrets are never "
                + "printed.",
            ""},
        footer = {"", "Exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 unknown command or "
                + "flag."})
public final class CheckCommand implements Callable<Integer>, ShipperCommand {

    @Option(names = "--json", description = "one JSON object instead of text lines")
    boolean json;

    @Option(names = "--verbose", description = "also the clients' own log lines (stderr)")
    boolean verbose;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "the command to check, e.g. tail, index, chain")
    String command;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "that command's flags, as for a run")
    List<String> args = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--verbose")) {
                verbose = true;
            } else {
                rest.add(a);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ShipperCommand target = FabstirShipper.commands().stream()
                .filter(c -> !(c instanceof CheckCommand))
                .filter(c -> c.getClass().getAnnotation(Command.class).name().equals(command))
                .findFirst().orElse(null);
        if (target == null) {
            err.println("fabstir-shipper check: no command '" + command + "' in this jar; it has: " + String.join(", ",
                    FabstirShipper.commands().stream().filter(c -> !(c instanceof CheckCommand))
                            .map(c -> c.getClass().getAnnotation(Command.class).name()).toList()));
            return 2;
        }
        CommandLine cli = new CommandLine(target).setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(rest.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            err.println("fabstir-shipper check " + command + ": " + e.getMessage());
            return 2;
        }
        StringBuilder path = new StringBuilder(command);
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
            path.append(' ').append(parsed.commandSpec().name());
        }
        Object user = parsed.commandSpec().userObject();
        CheckReport report = new CheckReport(path.toString());
        if (user instanceof Checkable c) {
            quietClients();
            c.check(report);
        } else {
            report.skipped("nothing", path + " has no configuration to check");
        }
        if (json) {
            report.printJson(out);
        } else {
            report.printText(out);
        }
        return report.passed() ? 0 : 1;
    }

    /**
     * The clients log every refused connection and retry on stderr; the report says what went wrong once, with the
     * fix, so their lines are only noise here (--verbose keeps them).
     */
    private void quietClients() {
        if (verbose) {
            return;
        }
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.ERROR);
            ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.OFF);
            ((Logger) LoggerFactory.getLogger("org.elasticsearch")).setLevel(Level.OFF);
        }
    }
}
