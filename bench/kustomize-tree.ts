import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { FleetProfile } from './profile';

// The kustomize side of the benchmark: a base holding every service's objects without anything
// environment-specific, and one overlay per environment setting the namespace, the environment
// label, replicas, images, resources and log level, adding HorizontalPodAutoscalers where the
// environment autoscales and PodDisruptionBudgets and pod spread where it is highly available: the usual base + overlays layout.

/** Labels only an environment knows: dropped from the base. */
const ENVIRONMENT_LABELS = ['environment', 'app.kubernetes.io/instance'];

/** A copy without namespace and environment labels (also in selectors). */
function neutral(value: any): any {
  if (Array.isArray(value)) return value.map(neutral);
  if (value === null || typeof value !== 'object') return value;
  const out: any = {};
  for (const [k, v] of Object.entries(value)) {
    if (ENVIRONMENT_LABELS.includes(k)) continue;
    out[k] = neutral(v);
  }
  if (out.metadata) delete out.metadata.namespace;
  return out;
}

function yamlDocs(objects: any[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/**
 * Writes `base/` (from the objects of one environment, by app) and `overlays/<environment>/`
 * into `dir`; returns the `kubectl kustomize` arguments of each environment.
 */
export function writeKustomizeTree(dir: string, objectsByApp: Map<string, any[]>, profiles: FleetProfile[], services: string[]): Map<string, string[]> {
  fs.rmSync(dir, { recursive: true, force: true });
  const base = path.join(dir, 'base');
  fs.mkdirSync(base, { recursive: true });
  const resources: string[] = [];
  for (const [app, objects] of objectsByApp) {
    const file = `${app}.yaml`;
    fs.writeFileSync(path.join(base, file), yamlDocs(objects.filter((o) => o.kind !== 'PodDisruptionBudget').map(neutral)));
    resources.push(file);
  }
  fs.writeFileSync(path.join(base, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }));

  const runs = new Map<string, string[]>();
  for (const p of profiles) {
    const overlay = path.join(dir, 'overlays', p.environment);
    fs.mkdirSync(overlay, { recursive: true });
    const overlayResources = ['../../base'];
    const patches: any[] = [
      {
        target: { kind: 'Deployment' },
        patch: stringify([
          { op: 'replace', path: '/spec/template/spec/containers/0/resources', value: p.appResources },
          { op: 'replace', path: '/spec/template/spec/containers/1/resources', value: p.sidecarResources },
          { op: 'replace', path: '/spec/template/spec/containers/0/imagePullPolicy', value: p.pullPolicy },
          { op: 'replace', path: '/spec/template/spec/containers/1/imagePullPolicy', value: p.pullPolicy },
        ]),
      },
      { target: { kind: 'ConfigMap' }, patch: stringify([{ op: 'replace', path: '/data/LOG_LEVEL', value: p.logLevel }]) },
    ];
    if (p.autoscaling) {
      const autoscaling = p.autoscaling;
      const autoscalers = services.map((s) => ({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { labels: { 'app.kubernetes.io/name': s, 'app.kubernetes.io/part-of': s }, name: s },
        spec: { ...autoscaling, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: s } },
      }));
      fs.writeFileSync(path.join(overlay, 'autoscalers.yaml'), yamlDocs(autoscalers));
      overlayResources.push('autoscalers.yaml');
      patches[0].patch = stringify([...parse(patches[0].patch), { op: 'remove', path: '/spec/replicas' }]);
    }
    if (p.highAvailability) {
      const budgets = services.map((s) => ({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { labels: { 'app.kubernetes.io/name': s, 'app.kubernetes.io/part-of': s }, name: s },
        spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': s } } },
      }));
      fs.writeFileSync(path.join(overlay, 'budgets.yaml'), yamlDocs(budgets));
      overlayResources.push('budgets.yaml');
      for (const s of services) {
        patches.push({
          target: { kind: 'Deployment', name: s },
          patch: stringify([{
            op: 'add',
            path: '/spec/template/spec/topologySpreadConstraints',
            value: [{ labelSelector: { matchLabels: { 'app.kubernetes.io/name': s } }, maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' }],
          }]),
        });
      }
    }
    const sidecar = /^(?<name>[^@:]+)(?::(?<tag>[^@]+))?(?:@(?<digest>.+))?$/.exec(p.sidecarImage)!.groups!;
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: p.namespace,
      resources: overlayResources,
      labels: [{ pairs: { environment: p.environment }, includeTemplates: true }],
      replicas: p.replicas === undefined ? undefined : services.map((s) => ({ name: s, count: p.replicas! })),
      images: [
        ...services.map((s) => ({ name: `${p.registry}/${s}`, ...(p.digests ? { digest: p.digests(s) } : { newTag: p.tag }) })),
        { name: sidecar.name, ...(sidecar.digest ? { digest: sidecar.digest } : { newTag: sidecar.tag }) },
      ],
      patches,
    };
    fs.writeFileSync(path.join(overlay, 'kustomization.yaml'), stringify(kustomization));
    runs.set(p.environment, ['kustomize', overlay]);
  }
  return runs;
}
