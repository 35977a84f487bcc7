/**
 * Host metrics of the monitoring guide, sampled every {@code fabstir.system.interval} (15 s) from {@code /proc}:
 * load averages, CPU and memory use, disk use per mount, network bytes per interface. Read by hand (a few small
 * text files) so the agent carries no extra library; off where there is no {@code /proc}.
 */
package io.fabstir.otel.system;
