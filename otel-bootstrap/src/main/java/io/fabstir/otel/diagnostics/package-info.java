/** Logging for the extension side that stays out of the application's logging set-up under the agent. */
package io.fabstir.otel.diagnostics;
