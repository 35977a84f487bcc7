/** Layered settings (YAML, FABSTIR_* environment, flags) and the validated edge configuration. */
package io.fabstir.shipper.config;
