# Usage: git grep -IlE 'SPEC|§' -- ':!docs' | xargs sed -i -f docs/.spec-refs.sed   (idempotent; delete this file after integration)
#
# Rewrites citations of the old, unpublished "SPEC §n" contract in comments, scripts and docs to the
# docs/ page that now documents the same thing. Specific phrasings first, one generic rule per
# section last. The ClickHouseTable error message that names "the columns of SPEC §5" is a runtime
# string, not a comment: that line is left alone here. §10-§14 (security, clusters, DLQ tools,
# redaction, packaging) have no page yet and are left as they are: grep for "SPEC" afterwards.

/the columns of SPEC §5: /b

# a subsection cites its section's page
s|SPEC §\([1-9]\)\.[0-9][0-9]*|SPEC §\1|g

# §1 and §9: build, run, test -> the repository README
s|SPEC §1\b|README.md#quick-start|g
s|SPEC §9\b|README.md#quick-start|g

# §2: configuration
s|SPEC §2's table plus the keys the brief adds|The keys of docs/configuration.md#keys (but clickhouse.password-file)|g
s|SPEC §2's settings only|the default settings of docs/configuration.md#keys only|g
s|SPEC §2's defaults|the defaults of docs/configuration.md#keys|g
s|SPEC §2's default stays|The default (docs/configuration.md#batching) stays|g
s|three sources (SPEC §2)|three sources (docs/configuration.md#how-settings-are-given)|g
s|in the order of SPEC §2|in the order of docs/configuration.md#keys|g
s|The defaults of SPEC §2|The defaults of docs/configuration.md#schema-limits|g
s|limits of SPEC §2|limits of docs/record-schema.md#limits|g
s|configured (SPEC §2)|configured (docs/configuration.md#embedded-mode)|g
s|is unset (SPEC §2)|is unset (docs/configuration.md#embedded-mode)|g
s|configuration (SPEC §2,|configuration (docs/configuration.md#embedded-mode,|g
s|broker (SPEC §2)|broker (docs/configuration.md#embedded-mode)|g
s|SPEC §2|docs/configuration.md|g

# §3: the record schema and its error types
s|the SPEC order decides|the order of docs/record-schema.md#precedence decides|g
s|SPEC §6 and §3|docs/otlp.md#mapping and docs/record-schema.md|g
s|in the order of SPEC §3|in the order of docs/record-schema.md#precedence|g
s|in the order of §3|in the order of docs/record-schema.md#precedence|g
s|closed set of SPEC §3|closed set of docs/record-schema.md#error-types|g
s|lower-case name of SPEC §3|lower-case name in docs/record-schema.md#error-types|g
s|error type of SPEC §3|error type of docs/record-schema.md#error-types|g
s|content rules of SPEC §3|content rules of docs/record-schema.md#fields|g
s|(SPEC §3 names, else INFO)|(the level names of docs/record-schema.md#levels, else INFO)|g
s|stringified as in SPEC §3|stringified as in docs/record-schema.md#stored-values|g
s|a string attribute of §3|a string attribute (docs/record-schema.md#stored-values)|g
s|SPEC §3|docs/record-schema.md|g

# §4: dead letters (headers, and the 64-byte echo limit of their messages)
s|SPEC §4|docs/dead-letters.md#headers|g

# §5: the ClickHouse table
s|fresh table of the SPEC §5 layout|fresh table of loghaul's layout (docs/clickhouse-table.md)|g
s|statement of SPEC §5|statement of docs/clickhouse-table.md#ddl|g
s|table layout of SPEC §5|table layout of docs/clickhouse-table.md#columns|g
s|SPEC §5|docs/clickhouse-table.md|g

# §6: OTLP ingest
s|SPEC §6, OTLP spec|docs/otlp.md#status-codes, OTLP spec|g
s|(SPEC §6, last bullet)|(docs/otlp.md#trace-context)|g
s|as SPEC §6 says|as docs/otlp.md#mapping says|g
s|(SPEC §6 names none)|(docs/otlp.md#mapping names none)|g
s|mapped column (SPEC §6)|mapped column (docs/otlp.md#mapping)|g
s|kafka.ingest-topic} (SPEC §6)|kafka.ingest-topic} (docs/otlp.md#records-in-kafka)|g
s|producer settings of SPEC §6|producer settings of docs/otlp.md#records-in-kafka|g
s|SPEC §6|docs/otlp.md|g

# §7: delivery guarantees
s|(SPEC §7's duplicate window)|(the duplicate window of docs/delivery-guarantees.md#crashes-and-duplicates)|g
s|SPEC §7|docs/delivery-guarantees.md|g

# §8: metrics, alerts, admin endpoints
s|Alert rules for loghaul (SPEC §8)|Alert rules for loghaul (runbook: docs/metrics.md#runbook)|g
s|metrics of SPEC \\u00a78|metrics of docs/metrics.md|g
s|(SPEC §8 names)|(names of docs/metrics.md#metric-reference)|g
s|SPEC/issue: readiness turns false|Readiness (docs/metrics.md#admin-endpoints) turns false|g
s|SPEC §8|docs/metrics.md#metric-reference|g

# bare "SPEC" citations without a section number
s|// SPEC: whole numbers keep|// docs/otlp.md#mapping: whole numbers keep|g
