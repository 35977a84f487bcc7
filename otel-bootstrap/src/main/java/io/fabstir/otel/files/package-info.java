/**
 * Files the node writes, with modes set on purpose rather than left to the process's umask:
 * {@link io.fabstir.otel.files.PrivateRollingFileAppender} for the Logback include's JSON log.
 */
package io.fabstir.otel.files;
