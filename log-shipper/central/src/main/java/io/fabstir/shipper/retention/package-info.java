/**
 * Retention for clusters without ILM: deletes daily indices whose whole UTC day is older than the configured age.
 */
package io.fabstir.shipper.retention;
