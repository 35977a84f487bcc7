/**
 * What the real-process tests drive: shipper child JVMs ({@code tail}, {@code index}, the Loki sink) that can be
 * SIGKILLed and never outlive the test JVM, an application writing and rotating log files, a topic reader and an
 * Elasticsearch probe.
 */
package io.fabstir.shipper.harness;
