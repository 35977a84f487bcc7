/**
 * {@code fabstir-shipper alert-bridge}: Alertmanager's webhook notifications turned into Discord webhook messages
 * whose embeds are coloured by severity (Alertmanager's own Discord notifier colours by firing/resolved only), with
 * the Discord webhook URL, a secret, read from a file instead of Alertmanager's configuration.
 */
package io.fabstir.shipper.alert;
