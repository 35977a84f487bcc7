package io.fabstir.otel.logging;

import io.fabstir.enrichers.redact.Redactor;

/**
 * A user field name (MDC key, key/value argument) with its encoded {@code ,"name":} prefix and the verdicts that
 * depend on the name alone, computed once: names repeat endlessly, values change.
 */
final class FieldName {
    final String key;
    final int hash;
    final byte[] prefix;
    /** Written by the encoder itself ({@code message}, {@code trace.id}, ...): a user field of that name is dropped. */
    final boolean reserved;
    /** Names a secret: the value is masked whole. */
    final boolean sensitive;
    /** Left out when it comes from the MDC (trace ids the agent puts there, excluded keys). */
    final boolean skipInMdc;
    final boolean dataset;
    /** Named as a hash (tx_hash, blockHash): a 64-hex value under it is not a private key. */
    final boolean hashKey;
    /**
     * Last value instance found clean by the redactor, and the JSON of a value seen twice in a row. Racy on
     * purpose: both are compared by identity with immutable contents, so a stale read only costs a re-scan.
     */
    String lastClean;
    Encoded encoded;

    FieldName(String key, byte[] prefix, boolean reserved, boolean sensitive, boolean skipInMdc) {
        this.key = key;
        this.hash = key.hashCode();
        this.prefix = prefix;
        this.reserved = reserved;
        this.sensitive = sensitive;
        this.skipInMdc = skipInMdc;
        this.dataset = key.equals("event.dataset");
        this.hashKey = Redactor.isHashKey(key);
    }

    /** A value instance and its JSON. */
    static final class Encoded {
        final String value;
        final byte[] json;

        Encoded(String value, byte[] json) {
            this.value = value;
            this.json = json;
        }
    }
}
