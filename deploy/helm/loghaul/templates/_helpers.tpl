{{/* Name of the chart's objects: the release name, plus "-loghaul" unless it already says so. */}}
{{- define "loghaul.fullname" -}}
{{- if contains "loghaul" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-loghaul" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "loghaul.selectorLabels" -}}
app.kubernetes.io/name: loghaul
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "loghaul.labels" -}}
{{ include "loghaul.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "loghaul.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "loghaul.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the ClickHouse password, or "" when there is none. */}}
{{- define "loghaul.clickhousePasswordSecret" -}}
{{- if .Values.clickhouse.passwordSecret.name -}}
{{- .Values.clickhouse.passwordSecret.name -}}
{{- else if .Values.clickhouse.password -}}
{{- printf "%s-clickhouse" (include "loghaul.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* JVM options sized from the memory limit (request = limit), huge pages for the heap unless
turned off; with a redaction rules file the
Vector API too, which the redaction prefilter uses for long values (as ./loghaul run does). */}}
{{- define "loghaul.jvmOptions" -}}
{{- $mem := int .Values.resources.memoryMiB -}}
{{- $direct := div (mul $mem (int .Values.jvm.directMemoryPercent)) 100 -}}
{{- printf "-XX:MaxRAMPercentage=%d -XX:MaxDirectMemorySize=%dm -XX:+ExitOnOutOfMemoryError" (int .Values.jvm.heapPercent) $direct -}}
{{- if .Values.jvm.transparentHugePages }} -XX:+UseTransparentHugePages{{ end -}}
{{- with .Values.jvm.extraOptions }} {{ . }}{{ end -}}
{{- $rules := hasKey .Values.config "redaction.rules-file" -}}
{{- range .Values.secretFiles }}{{ if eq .setting "redaction.rules-file" }}{{ $rules = true }}{{ end }}{{ end -}}
{{- if $rules }} --add-modules=jdk.incubator.vector{{ end -}}
{{- end -}}

{{/* A value as loghaul expects it: YAML numbers arrive as float64, which would print 16777216
as 1.6777216e+07; whole ones are printed as integers. */}}
{{- define "loghaul.plain" -}}
{{- if and (kindIs "float64" .) (eq . (float64 (int64 .))) -}}
{{- int64 . -}}
{{- else -}}
{{- . -}}
{{- end -}}
{{- end -}}

{{/* The properties file loghaul reads with --config (docs/configuration.md). */}}
{{- define "loghaul.properties" -}}
# rendered by the loghaul Helm chart; LOGHAUL_* environment variables beat these
kafka.bootstrap={{ .Values.kafka.bootstrap }}
kafka.topics={{ .Values.kafka.topics }}
kafka.group={{ .Values.kafka.group }}
clickhouse.url={{ .Values.clickhouse.url }}
clickhouse.user={{ .Values.clickhouse.user }}
clickhouse.database={{ .Values.clickhouse.database }}
clickhouse.table={{ .Values.clickhouse.table }}
{{- if include "loghaul.clickhousePasswordSecret" . }}
clickhouse.password-file=/etc/loghaul/secrets/clickhouse/{{ .Values.clickhouse.passwordSecret.key }}
{{- end }}
otlp.grpc.port={{ .Values.ports.otlpGrpc }}
otlp.http.port={{ .Values.ports.otlpHttp }}
admin.port={{ .Values.ports.admin }}
{{- range $i, $f := .Values.secretFiles }}
{{ $f.setting }}=/etc/loghaul/secret-files/{{ $i }}/{{ $f.secretKey }}
{{- end }}
{{- range $key, $value := .Values.config }}
{{ $key }}={{ include "loghaul.plain" $value }}
{{- end }}
{{- end -}}
