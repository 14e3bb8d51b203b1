/**
 * PEM files as operators get them (cert-manager, a vault): certificate chains, CA bundles and
 * unencrypted PKCS#8 keys read into the JDK's TLS types, for the OTLP listeners' reloading
 * credentials and the ClickHouse client. Depends on nothing else of loghaul's.
 */
package io.loghaul.tls;
