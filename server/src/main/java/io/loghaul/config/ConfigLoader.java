package io.loghaul.config;

/** Placeholder; replaced by the config loader. */
final class ConfigLoader {}
