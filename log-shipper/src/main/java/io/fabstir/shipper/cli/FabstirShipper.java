package io.fabstir.shipper.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fabstir-shipper}: the edge ({@code tail}) and central ({@code index}, ...) halves of the log pipeline.
 * Each subcommand is its own class; add yours to {@code subcommands} below.
 */
@Command(name = "fabstir-shipper",
        mixinStandardHelpOptions = true,
        versionProvider = FabstirShipper.Version.class,
        description = "Ships Fabstir node logs: files -> Kafka (tail), Kafka -> Elasticsearch/Loki (index).",
        subcommands = {
            CommandLine.HelpCommand.class,
            TailCommand.class,
            IndexCommand.class, TemplatesCommand.class, RetentionCommand.class,
            DemoCommand.class, AlertBridgeCommand.class,
            ChainCommand.class,
        })
public final class FabstirShipper implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests run subcommands through it without exiting the JVM). */
    public static CommandLine commandLine() {
        return new CommandLine(new FabstirShipper()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The jar manifest's Implementation-Version (set by the shade build), else "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FabstirShipper.class.getPackage().getImplementationVersion();
            return new String[] {"fabstir-shipper " + (v == null ? "dev" : v)};
        }
    }
}
