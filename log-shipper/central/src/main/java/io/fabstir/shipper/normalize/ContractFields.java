package io.fabstir.shipper.normalize;

/**
 * The record contract's fields, which identify and route a record: {@code @timestamp}, {@code message},
 * {@code event.*}, {@code log.*}, {@code host.*}, {@code service.*}, {@code trace.*}, {@code span.*},
 * {@code error.*}, {@code fabstir.node_id}, {@code fabstir.job.*}, and the always-written
 * {@code process.thread.name} and edge-added {@code deployment.environment}. The normaliser keeps them in place
 * whatever their position in the line: a chatty map logged before them must not push {@code event.id} (the
 * document {@code _id}) or {@code fabstir.node_id} into {@code fabstir.overflow}.
 */
final class ContractFields {

    private static final String[] EXACT = {
        "@timestamp", "message", "fabstir.node_id", "process.thread.name", "deployment.environment"
    };
    private static final String[] PREFIXES = {
        "event.", "log.", "host.", "service.", "trace.", "span.", "error.", "fabstir.job."
    };

    private ContractFields() {
    }

    /** Whether the dotted path of a leaf (flat, nested or mixed in the source) is a contract field. */
    static boolean isContract(String path) {
        for (String p : PREFIXES) {
            if (path.startsWith(p)) {
                return true;
            }
        }
        for (String e : EXACT) {
            if (path.equals(e)) {
                return true;
            }
        }
        return false;
    }
}
