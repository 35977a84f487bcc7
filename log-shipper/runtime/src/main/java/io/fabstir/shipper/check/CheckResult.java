package io.fabstir.shipper.check;

/**
 * The outcome of one check: its name ({@code kafka.authentication}), status, what was found, and when it failed the
 * setting to look at and how to fix it. Never carries a secret.
 *
 * @param key  the setting concerned (e.g. {@code kafka.security.password_file}), or null
 * @param fix  what to do about a failure or warning, or null
 */
public record CheckResult(String name, Status status, String detail, String key, String fix) {

    public enum Status {
        /** Works as configured. */
        OK,
        /** Works, but not as production should run it (e.g. no TLS), or cannot be confirmed yet. */
        WARN,
        /** Would stop or break the command: the exit code of {@code check} is non-zero. */
        FAILED,
        /** Not run because a check it needs failed. */
        SKIPPED
    }
}
