/**
 * What operators see of loghaul: the meters of docs/metrics.md#metric-reference (registered once,
 * tags from closed sets, updated without per-record look-ups), JVM and process meters, the
 * per-partition lag gauges, the background health probe behind {@code /readyz}, the admin HTTP
 * endpoint that serves them, and the OpenTelemetry SDK setup for the server's own traces.
 */
package io.loghaul.metrics;
