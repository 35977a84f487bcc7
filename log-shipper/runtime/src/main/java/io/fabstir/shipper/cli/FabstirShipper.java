package io.fabstir.shipper.cli;

import io.fabstir.shipper.logging.OwnLogRedaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * {@code fabstir-shipper}: the entry point of every shipper jar. Its subcommands are the {@link ShipperCommand}s on
 * the class path, so each jar runs exactly the commands it carries ({@code tail} on the edge, {@code index},
 * {@code templates}, {@code retention} centrally, ...).
 */
@Command(name = "fabstir-shipper",
        mixinStandardHelpOptions = true,
        versionProvider = FabstirShipper.Version.class,
        description = "Ships Fabstir node logs: files -> Kafka (tail), Kafka -> Elasticsearch/Loki (index).")
public final class FabstirShipper implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs a command as {@code main} does, with stdout and stderr behind the redaction rules first
     * ({@link OwnLogRedaction#redactConsole()}); returns its exit code.
     */
    public static int run(String[] args) {
        OwnLogRedaction.redactConsole();
        return commandLine().execute(args);
    }

    /** The configured command line (tests run subcommands through it without exiting the JVM). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FabstirShipper()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.addSubcommand(new CommandLine.HelpCommand());
        for (ShipperCommand c : commands()) {
            cli.addSubcommand(c);
        }
        CommandLine check = cli.getSubcommands().get("check");
        if (check != null) {
            // `check COMMAND ARGS...`: everything after the command's name is that command's, its options included.
            check.setStopAtPositional(true);
        }
        return cli;
    }

    /** The commands this class path carries, by name. */
    static List<ShipperCommand> commands() {
        return ServiceLoader.load(ShipperCommand.class, FabstirShipper.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(c -> c.getClass().getAnnotation(Command.class).name()))
                .toList();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The jar manifest's title and version (set by the shade build), else "fabstir-shipper dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Package p = FabstirShipper.class.getPackage();
            String title = p.getImplementationTitle();
            String v = p.getImplementationVersion();
            return new String[] {(title == null ? "fabstir-shipper" : title) + " " + (v == null ? "dev" : v)};
        }
    }
}
