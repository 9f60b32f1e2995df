import {
  AppChart, CronJob, CronSchedule, Deployment, HorizontalPodAutoscaler, Ingress, Job, Metric, Namespace, NetworkIsolation, Platform,
  PolicyEngine, Probe, Role, RoleBinding, Service, ServiceAccount, StatefulSet, Subject,
} from '../lib';
import { ENV } from './support/harness';

const IMAGE = 'registry.example.com/app:3f2a9c1';

/** A stack using the library's constructs together, as an app team would. */
function everything(chart: AppChart): void {
  new Namespace(chart, 'namespace');
  const network = new NetworkIsolation(chart, 'network');
  const account = new ServiceAccount(chart, 'api-account', { name: 'api' });
  const role = new Role(chart, 'pod-reader', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
  new RoleBinding(chart, 'api-reads-pods', { role, subjects: [Subject.serviceAccount(account)] });
  const api = new Deployment(chart, 'api', {
    serviceAccountName: account.name,
    containers: [{ name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/healthz', 'http') }],
  });
  const service = new Service(chart, 'api-service', { target: api, name: 'api', ports: [{ port: 80, targetPort: 'http' }] });
  HorizontalPodAutoscaler.ifEnabled(chart, 'api-autoscaler', { target: api, metrics: [Metric.cpuUtilization(70)] });
  new Ingress(chart, 'ingress', { rules: [{ host: chart.environment.host('api'), paths: [{ path: '/', backend: { service } }] }] });
  network.allowFromIngressController(api, ['http']);
  const db = new StatefulSet(chart, 'db', {
    containers: [{ name: 'db', image: IMAGE, ports: [{ number: 5432, name: 'postgres' }], readiness: Probe.fromTcpSocket('postgres') }],
    ports: [{ port: 5432, targetPort: 'postgres' }],
  });
  network.allow(api, db, ['postgres']);
  new Job(chart, 'migrate', { containers: [{ name: 'migrate', image: IMAGE }] });
  new CronJob(chart, 'report', { schedule: CronSchedule.DAILY, containers: [{ name: 'report', image: IMAGE }] });
}

test.each(['dev', 'stage', 'prod'] as const)('the library\'s constructs together pass every rule in %s', (env) => {
  const rendering = new Platform({ environments: [ENV[env]], stacks: [{ name: 'app', define: everything }] }).render();
  const findings = new PolicyEngine().check(rendering.manifests, ENV[env]);
  expect(findings.map((f) => `[${f.path}] ${f.rule} ${f.field}: ${f.message}`)).toEqual([]);
  expect(new Set(rendering.manifests.map((m) => m.object.kind))).toEqual(new Set([
    'Namespace', 'LimitRange', 'ResourceQuota', 'NetworkPolicy', 'ServiceAccount', 'Role', 'RoleBinding', 'Deployment', 'Service', 'Ingress',
    'StatefulSet', 'Job', 'CronJob', ...(env === 'dev' ? [] : ['HorizontalPodAutoscaler', 'PodDisruptionBudget']),
  ]));
});
