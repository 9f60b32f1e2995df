import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { FleetProfile } from './profile';

// The helm side of the benchmark: one chart rendering the same objects as the cdk8s fleet (a
// ConfigMap, Deployment, Service, NetworkPolicy and, with autoscaling and high availability, a
// HorizontalPodAutoscaler and PodDisruptionBudget per service, plus the namespace baseline), driven by one values file per
// environment, the way a platform team would write it: a `range` over the services, label
// helpers, `toYaml` for the per-environment blocks and a `sha256sum` of the config for rollouts.

const HELPERS = `{{- define "fleet.labels" -}}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/instance: {{ .name }}-{{ .v.environment }}
app.kubernetes.io/managed-by: helm
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: {{ .partOf }}
app.kubernetes.io/version: {{ .v.version }}
environment: {{ .v.environment }}
{{- end }}
{{- define "fleet.selector" -}}
app.kubernetes.io/instance: {{ .name }}-{{ .v.environment }}
app.kubernetes.io/name: {{ .name }}
{{- end }}
`;

const SERVICES = `{{- $v := .Values }}
{{- range $name := .Values.services }}
{{- $l := dict "name" $name "component" "api" "partOf" $name "v" $v }}
{{- $image := printf "%s/%s:%s" $v.registry $name $v.tag }}
{{- if $v.digests }}{{ $image = printf "%s/%s@%s" $v.registry $name (index $v.digests $name) }}{{ end }}
{{- $config := printf "%s\\n%s" $v.logLevel $v.appConf }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    {{- include "fleet.labels" (dict "name" (printf "%s-config" $name) "component" "api" "partOf" $name "v" $v) | nindent 4 }}
  name: {{ $name }}-config
  namespace: {{ $v.namespace }}
data:
  LOG_LEVEL: {{ $v.logLevel }}
  app.conf: |
    {{- $v.appConf | trimSuffix "\\n" | nindent 4 }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    {{- include "fleet.labels" $l | nindent 4 }}
  name: {{ $name }}
  namespace: {{ $v.namespace }}
spec:
  {{- if not $v.autoscaling }}
  replicas: {{ $v.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "fleet.selector" $l | nindent 6 }}
  template:
    metadata:
      annotations:
        k8s-constructs.io/config-hash: {{ $config | sha256sum }}
      labels:
        {{- include "fleet.labels" $l | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      containers:
        - env:
            - name: LOG_LEVEL
              valueFrom:
                configMapKeyRef:
                  key: LOG_LEVEL
                  name: {{ $name }}-config
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  key: password
                  name: {{ $name }}-db
          image: {{ $image }}
          imagePullPolicy: {{ $v.pullPolicy }}
          livenessProbe:
            httpGet:
              path: /livez
              port: http
            initialDelaySeconds: 15
            periodSeconds: 20
          name: app
          ports:
            - containerPort: 8080
              name: http
              protocol: TCP
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 5
            periodSeconds: 10
          resources:
            {{- toYaml $v.resources.app | nindent 12 }}
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - mountPath: /var/log/app
              name: logs
            - mountPath: /tmp
              name: app-tmp
        - image: {{ $v.sidecarImage }}
          imagePullPolicy: {{ $v.pullPolicy }}
          name: log-shipper
          resources:
            {{- toYaml $v.resources.sidecar | nindent 12 }}
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - mountPath: /var/log/app
              name: logs
              readOnly: true
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- if $v.highAvailability }}
      topologySpreadConstraints:
        - labelSelector:
            matchLabels:
              {{- include "fleet.selector" $l | nindent 14 }}
          maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
      {{- end }}
      volumes:
        - emptyDir: {}
          name: logs
        - emptyDir: {}
          name: app-tmp
---
apiVersion: v1
kind: Service
metadata:
  labels:
    {{- include "fleet.labels" $l | nindent 4 }}
  name: {{ $name }}
  namespace: {{ $v.namespace }}
spec:
  ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: http
  selector:
    {{- include "fleet.selector" $l | nindent 4 }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  labels:
    {{- include "fleet.labels" (dict "name" (printf "%s-from-ingress-controller" $name) "component" (printf "%s-from-ingress-controller" $name) "partOf" $name "v" $v) | nindent 4 }}
  name: {{ $name }}-from-ingress-controller
  namespace: {{ $v.namespace }}
spec:
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
          podSelector:
            matchLabels:
              app.kubernetes.io/name: ingress-nginx
      ports:
        - port: http
          protocol: TCP
  podSelector:
    matchLabels:
      {{- include "fleet.selector" $l | nindent 6 }}
  policyTypes:
    - Ingress
{{- with $v.autoscaling }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  labels:
    {{- include "fleet.labels" $l | nindent 4 }}
  name: {{ $name }}
  namespace: {{ $v.namespace }}
spec:
  maxReplicas: {{ .maxReplicas }}
  metrics:
    {{- toYaml .metrics | nindent 4 }}
  minReplicas: {{ .minReplicas }}
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
{{- end }}
{{- if $v.highAvailability }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  labels:
    {{- include "fleet.labels" $l | nindent 4 }}
  name: {{ $name }}
  namespace: {{ $v.namespace }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "fleet.selector" $l | nindent 6 }}
{{- end }}
{{- end }}
`;

const BASELINE = `{{- $v := .Values }}
{{- range $name := list "default-deny" "allow-dns" }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  labels:
    {{- include "fleet.labels" (dict "name" $name "component" $name "partOf" "baseline" "v" $v) | nindent 4 }}
  name: {{ $name }}
  namespace: {{ $v.namespace }}
spec:
  {{- if eq $name "allow-dns" }}
  egress:
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
      to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
  {{- end }}
  podSelector: {}
  policyTypes:
    {{- if eq $name "default-deny" }}
    - Ingress
    {{- end }}
    - Egress
{{- end }}
`;

/**
 * Writes the chart into `dir` with `values-<environment>.yaml` for each profile; returns the
 * `helm template` arguments of each environment.
 */
export function writeHelmChart(dir: string, profiles: FleetProfile[], services: string[]): Map<string, string[]> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: fleet\nversion: 1.0.0\n');
  fs.writeFileSync(path.join(dir, 'templates', '_helpers.tpl'), HELPERS);
  fs.writeFileSync(path.join(dir, 'templates', 'services.yaml'), SERVICES);
  fs.writeFileSync(path.join(dir, 'templates', 'baseline.yaml'), BASELINE);
  const runs = new Map<string, string[]>();
  for (const p of profiles) {
    const values = {
      environment: p.environment,
      namespace: p.namespace,
      version: p.version,
      registry: p.registry,
      tag: p.tag,
      digests: p.digests ? Object.fromEntries(services.map((s) => [s, p.digests!(s)])) : undefined,
      sidecarImage: p.sidecarImage,
      pullPolicy: p.pullPolicy,
      replicas: p.replicas,
      autoscaling: p.autoscaling,
      logLevel: p.logLevel,
      appConf: p.appConf,
      highAvailability: p.highAvailability,
      resources: { app: p.appResources, sidecar: p.sidecarResources },
      containerSecurityContext: p.containerSecurityContext,
      podSecurityContext: p.podSecurityContext,
      services,
    };
    const file = path.join(dir, `values-${p.environment}.yaml`);
    fs.writeFileSync(file, stringify(values));
    runs.set(p.environment, ['template', 'fleet', dir, '--namespace', p.namespace, '-f', file]);
  }
  return runs;
}
