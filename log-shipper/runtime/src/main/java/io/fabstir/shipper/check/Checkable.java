package io.fabstir.shipper.check;

/**
 * A command that can check its configuration and connections without starting its work: {@code fabstir-shipper
 * check <command> <the command's own flags>} parses the flags into the command as a run would, then calls
 * {@link #check}, which reads YAML and environment exactly as the run does and adds one result per check.
 */
public interface Checkable {

    /** Adds a result per check; never throws for a failed check (the report turns stray exceptions into lines). */
    void check(CheckReport report);
}
