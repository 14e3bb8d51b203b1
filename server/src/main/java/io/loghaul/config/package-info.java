/**
 * Configuration: the typed, immutable {@link io.loghaul.config.LoghaulConfig} and {@link
 * io.loghaul.config.ConfigLoader}, which reads it once at startup from command-line flags, {@code
 * LOGHAUL_*} environment variables and an optional properties file (docs/configuration.md),
 * validates every value, and reports the first problem as a {@link
 * io.loghaul.config.ConfigException} that names the key and says what was expected, never echoing a
 * secret. Every key is defined once in {@code ConfigKeys} (name, typed default, parser, meaning);
 * {@code ConfigSources} merges the sources, {@code ConfigHelp} writes {@code --help}, {@code
 * EffectiveConfig} the startup log line.
 */
package io.loghaul.config;
