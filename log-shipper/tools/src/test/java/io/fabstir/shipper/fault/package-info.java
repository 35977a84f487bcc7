/**
 * The fault-injection suite ({@code @Tag("fault")}): the whole pipeline, all real processes, attacked by kills,
 * outages, a full disk, rotation storms, skewed clocks, rebalances and malformed input, each scenario repeated with
 * a printed seed; every run is counted record by record and written into {@code FAULTS.md}.
 */
package io.fabstir.shipper.fault;
