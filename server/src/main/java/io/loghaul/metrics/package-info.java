/**
 * Meters of SPEC §8 and the admin HTTP endpoint ({@code /metrics}, {@code /healthz},
 * {@code /readyz}). Every meter is registered once with tags from closed sets (error types,
 * configured topics, transports); the record path only increments fields it already holds.
 */
package io.loghaul.metrics;
