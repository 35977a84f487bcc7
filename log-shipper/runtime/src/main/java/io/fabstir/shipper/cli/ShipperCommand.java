package io.fabstir.shipper.cli;

/**
 * Marks a top-level {@code fabstir-shipper} subcommand: a picocli {@code @Command} class (a {@code Callable} or
 * {@code Runnable}) with a public no-argument constructor.
 * Each jar lists its commands in {@code META-INF/services/io.fabstir.shipper.cli.ShipperCommand}, so the edge jar
 * offers {@code tail}, the central jar {@code index}, {@code templates} and {@code retention}, and a new command is
 * a class and a line, not an edit of a shared list.
 */
public interface ShipperCommand {
}
