package io.fabstir.shipper.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.shipper.cli.FabstirShipper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code fabstir-shipper check COMMAND ARGS} run in this JVM, as an operator runs it: its exit code, its output,
 * and with {@code --json} each check's status, key and fix by name.
 */
public record CheckRun(int exit, String text, JsonNode json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code check <commandAndArgs> --json}. */
    public static CheckRun json(String... commandAndArgs) {
        return run(true, commandAndArgs);
    }

    /** {@code check <commandAndArgs>}: the text lines. */
    public static CheckRun text(String... commandAndArgs) {
        return run(false, commandAndArgs);
    }

    /** Reads the output of a {@code check ... --json} run elsewhere (a child process). */
    public static CheckRun parse(int exit, String jsonOutput) {
        try {
            return new CheckRun(exit, jsonOutput, JSON.readTree(jsonOutput));
        } catch (Exception e) {
            throw new AssertionError("exit " + exit + ", not JSON: " + jsonOutput, e);
        }
    }

    private static CheckRun run(boolean json, String... commandAndArgs) {
        StringWriter out = new StringWriter();
        var cli = FabstirShipper.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        List<String> args = new ArrayList<>(List.of("check"));
        args.addAll(List.of(commandAndArgs));
        if (json) {
            args.add("--json");
        }
        int exit = cli.execute(args.toArray(String[]::new));
        return json ? parse(exit, out.toString()) : new CheckRun(exit, out.toString(), null);
    }

    /** The check called {@code name}; fails listing the output when there is none. */
    public JsonNode check(String name) {
        for (JsonNode c : json.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + text);
    }

    public String status(String name) {
        return check(name).path("status").asText();
    }

    /** The setting a check names (null when it names none). */
    public String key(String name) {
        return check(name).path("key").asText(null);
    }

    public String detail(String name) {
        return check(name).path("detail").asText();
    }

    public String fix(String name) {
        return check(name).path("fix").asText();
    }
}
