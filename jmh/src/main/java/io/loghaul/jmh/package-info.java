/**
 * The runner of the JMH suite ({@code benchmarks.jar}'s main): runs the benchmarks, which live in
 * the packages of the code they measure ({@code io.loghaul.schema}, {@code .ingest}, {@code
 * .clickhouse}, {@code .pipeline}), and writes JMH JSON plus a readable table with the machine and
 * each benchmark's ratio to its baseline.
 */
package io.loghaul.jmh;
