/**
 * How a shipper process connects securely, as settings both halves share (and a {@code check} command can use):
 * {@link io.fabstir.shipper.security.KafkaClientSecurity} ({@code kafka.security.*}: SASL/SCRAM over TLS, or mTLS)
 * and {@link io.fabstir.shipper.security.ElasticsearchAccess} ({@code elasticsearch.*}: HTTPS with a CA file, an
 * API key or basic auth). Credentials come only from files or the environment ({@link
 * io.fabstir.shipper.security.Secrets}), never from a flag value that {@code ps} shows, and credentials over a
 * plaintext connection are refused unless explicitly allowed. Every error names the key and the fix.
 */
package io.fabstir.shipper.security;
