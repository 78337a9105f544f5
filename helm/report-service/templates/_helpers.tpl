{{/*
Expand the name of the chart.
*/}}
{{- define "report-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name, truncated at 63 characters (the DNS label limit).
If the release name contains the chart name, it is used as the full name.
*/}}
{{- define "report-service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the chart label.
*/}}
{{- define "report-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels naming the release's instance of the chart, whatever the component.
*/}}
{{- define "report-service.instanceLabels" -}}
app.kubernetes.io/name: {{ include "report-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selector labels of the API pods. The component label keeps the migration Job's pod out of the Service.
*/}}
{{- define "report-service.selectorLabels" -}}
{{ include "report-service.instanceLabels" . }}
app.kubernetes.io/component: api
{{- end }}

{{/*
Labels every resource of the chart carries, without the component.
*/}}
{{- define "report-service.commonLabels" -}}
helm.sh/chart: {{ include "report-service.chart" . }}
{{ include "report-service.instanceLabels" . }}
app.kubernetes.io/version: {{ include "report-service.imageTag" . | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: report-service
{{- end }}

{{/*
Labels of the API's resources.
*/}}
{{- define "report-service.labels" -}}
{{ include "report-service.commonLabels" . }}
app.kubernetes.io/component: api
{{- end }}

{{/*
Labels of the migration hook's resources.
*/}}
{{- define "report-service.migrationLabels" -}}
{{ include "report-service.commonLabels" . }}
app.kubernetes.io/component: migration
{{- end }}

{{/*
The ServiceAccount of the API pods.
*/}}
{{- define "report-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "report-service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The ServiceAccount of the migration Job. A pre-install hook runs before the chart's own ServiceAccount
exists, so it can only use one that already does: the named one when the chart does not create it, else the
namespace's default.
*/}}
{{- define "report-service.migrationServiceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- "default" }}
{{- else }}
{{- include "report-service.serviceAccountName" . }}
{{- end }}
{{- end }}

{{/*
The image tag: image.tag, or the chart's appVersion.
*/}}
{{- define "report-service.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/*
The image reference.
*/}}
{{- define "report-service.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "report-service.imageTag" .) }}
{{- end }}

{{/*
The Secret holding the connection string: the existing one, or the chart-created one.
*/}}
{{- define "report-service.secretName" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- include "report-service.fullname" . }}
{{- end }}
{{- end }}

{{/*
The connection string from values, required when no existing Secret is named.
*/}}
{{- define "report-service.connectionString" -}}
{{- required "database.connectionString is required when database.existingSecret is empty (better: create a Secret and set database.existingSecret)" .Values.database.connectionString }}
{{- end }}

{{/*
Non-secret settings as environment variables (name: value): the ConfigMap's data, and the migration Job's env.
*/}}
{{- define "report-service.settings" -}}
ASPNETCORE_ENVIRONMENT: {{ .Values.config.environment | quote }}
ASPNETCORE_HTTP_PORTS: {{ .Values.containerPort | quote }}
{{- range $category, $level := .Values.config.logLevels }}
Logging__LogLevel__{{ $category }}: {{ $level | quote }}
{{- end }}
Auth__Authority: {{ required "auth.authority (the identity provider's issuer URL) is required" .Values.auth.authority | quote }}
Auth__Audience: {{ .Values.auth.audience | quote }}
Auth__MetadataRefreshSeconds: {{ .Values.auth.metadataRefreshSeconds | quote }}
Auth__UnknownKeyRefreshSeconds: {{ .Values.auth.unknownKeyRefreshSeconds | quote }}
Auth__BackchannelTimeoutSeconds: {{ .Values.auth.backchannelTimeoutSeconds | quote }}
Auth__PublicData: {{ .Values.auth.publicData | quote }}
Auth__PublicReports: {{ .Values.auth.publicReports | quote }}
RateLimiting__Enabled: {{ .Values.rateLimiting.enabled | quote }}
RateLimiting__PermitsPerSecond: {{ .Values.rateLimiting.permitsPerSecond | quote }}
RateLimiting__Burst: {{ .Values.rateLimiting.burst | quote }}
Submissions__Writers: {{ .Values.submissions.writers | quote }}
Submissions__MaxBatch: {{ .Values.submissions.maxBatch | quote }}
Aggregates__Computations__MaxConcurrent: {{ .Values.aggregates.computations.maxConcurrent | quote }}
Aggregates__Computations__PerClient: {{ .Values.aggregates.computations.perClient | quote }}
Aggregates__Computations__QueueMilliseconds: {{ .Values.aggregates.computations.queueMilliseconds | quote }}
Aggregates__ChangeLog__HistoryRows: {{ .Values.aggregates.changeLog.historyRows | quote }}
Aggregates__ChangeLog__RetentionSeconds: {{ .Values.aggregates.changeLog.retentionSeconds | quote }}
Aggregates__ChangeLog__PruneSeconds: {{ .Values.aggregates.changeLog.pruneSeconds | quote }}
Aggregates__ReplicaWaitMilliseconds: {{ .Values.database.readReplica.waitMilliseconds | quote }}
ASPNETCORE_FORWARDEDHEADERS_ENABLED: {{ .Values.forwardedHeaders | quote }}
{{- end }}

{{/*
The connection string variable, read from the Secret named by the first argument.
*/}}
{{- define "report-service.connectionStringEnv" -}}
- name: ConnectionStrings__Reports
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .root.Values.database.secretKey }}
{{- end }}

{{/*
The read connection string (aggregate reads from standbys), when database.readReplica is enabled; the chart's
own Secret must then hold database.readReplica.connectionString.
*/}}
{{- define "report-service.readConnectionString" -}}
{{- required "database.readReplica.connectionString is required when database.readReplica.enabled and database.existingSecret is empty" .Values.database.readReplica.connectionString }}
{{- end }}

{{/*
The writable /tmp of every container.
*/}}
{{- define "report-service.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- end }}
