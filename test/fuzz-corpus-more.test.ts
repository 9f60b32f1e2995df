import {
  AppChart, ClusterRole, ClusterRoleBinding, CompletionMode, ConcurrencyPolicy, CronJob, CronJobProps, CronSchedule, Job, JobProps,
  NetworkPeer, NetworkPolicy, NetworkPolicyProps, Platform, PolicyEngine, RestartPolicy, Role, RoleBinding, RoleProps, Subject,
} from '../lib';
import { ENV } from './support/harness';
import { BadInput, expectRefusal } from './support/refusal';

/**
 * Hand-written bad inputs for RBAC, NetworkPolicy, Job and CronJob: one per refusal, each
 * asserting `[construct path] field: ... (got value). Fix: ...`.
 */

const IMAGE = 'registry.example.com/app:3f2a9c1';
const task = { name: 'task', image: IMAGE };


function stack(define: (chart: AppChart) => void): Platform {
  return new Platform({ environments: [ENV.dev], stacks: [{ name: 'test', define }], checks: [new PolicyEngine()] });
}

const pods: RoleProps['rules'][number] = { apiGroups: [''], resources: ['pods'], verbs: ['get'] };
const role = (props: Partial<RoleProps>) => stack((chart) => new Role(chart, 'role', { rules: [pods], ...props }));
const clusterRole = (props: Partial<RoleProps>) => stack((chart) => new ClusterRole(chart, 'role', { rules: [pods], ...props }));
const team = Subject.group('team');
const policy = (props: (chart: AppChart) => Partial<NetworkPolicyProps>) => stack((chart) => new NetworkPolicy(chart, 'np', { ingress: [{ peers: [NetworkPeer.pods({ app: 'x' })] }], ...props(chart) }));
const job = (props: Partial<JobProps>) => stack((chart) => new Job(chart, 'job', { containers: [task], ...props }));
const cron = (props: Partial<CronJobProps>) => stack((chart) => new CronJob(chart, 'cron', { schedule: CronSchedule.DAILY, containers: [task], ...props }));

const corpus: BadInput[] = [
  // Role / ClusterRole
  { name: 'role without rules', platform: role({ rules: [] }), path: 'dev/test/role', field: 'rules', value: [] },
  { name: 'rule without verbs', platform: role({ rules: [{ ...pods, verbs: [] }] }), path: 'dev/test/role', field: 'rules[0].verbs', value: [] },
  { name: 'rule without resources', platform: role({ rules: [{ ...pods, resources: [] }] }), path: 'dev/test/role', field: 'rules[0].resources', value: [] },
  { name: 'URL paths in a namespaced Role', platform: role({ rules: [{ verbs: ['get'], nonResourceUrls: ['/healthz'] }] }), path: 'dev/test/role', field: 'rules[0].nonResourceUrls', value: ['/healthz'] },
  { name: 'wildcard verbs', platform: role({ rules: [{ ...pods, verbs: ['*'] }] }), path: 'dev/test/role', field: 'rules[0].verbs', value: ['*'] },
  { name: 'escalating verbs', platform: clusterRole({ rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['bind', 'get'] }] }), path: 'dev/test/role', field: 'rules[0].verbs', value: ['bind'] },
  { name: 'write verbs in a read-only role', platform: role({ readOnly: true, rules: [{ ...pods, verbs: ['get', 'delete'] }] }), path: 'dev/test/role', field: 'rules[0].verbs', value: ['delete'] },
  { name: 'Secrets in a read-only role', platform: role({ readOnly: true, rules: [{ ...pods, resources: ['pods', 'secrets'] }] }), path: 'dev/test/role', field: 'rules[0].resources', value: ['secrets'] },
  // RoleBinding / ClusterRoleBinding
  { name: 'binding without subjects', platform: stack((chart) => new RoleBinding(chart, 'rb', { role: { kind: 'ClusterRole', name: 'view' }, subjects: [] })), path: 'dev/test/rb', field: 'subjects', value: [] },
  { name: 'binding to a role that exists nowhere', platform: stack((chart) => new RoleBinding(chart, 'rb', { role: { kind: 'Role', name: 'ghost' }, subjects: [team] })), path: 'dev/test/rb', field: 'role', value: { kind: 'Role', name: 'ghost' } },
  { name: 'ClusterRoleBinding of a Role', platform: stack((chart) => new ClusterRoleBinding(chart, 'crb', { role: new Role(chart, 'r', { rules: [pods] }), subjects: [team] })), path: 'dev/test/crb', field: 'role', value: 'r' },
  // NetworkPolicy
  { name: 'policy that does nothing', platform: policy(() => ({ ingress: undefined })), path: 'dev/test/np', field: 'policyTypes', value: [] },
  { name: 'empty peer list', platform: policy(() => ({ ingress: [{ peers: [] }] })), path: 'dev/test/np', field: 'ingress[0].peers', value: [] },
  { name: 'port neither number nor name', platform: policy(() => ({ egress: [{ peers: [NetworkPeer.pods({ app: 'x' })], ports: [{ port: 70000 }] }] })), path: 'dev/test/np', field: 'egress[0].ports[0].port', value: 70000 },
  { name: 'CIDR that is not one', platform: policy(() => ({ egress: [{ peers: [NetworkPeer.cidr('partner', '10.0.0.300/8')] }] })), path: 'dev/test/np', field: 'egress[0].peers[0].cidr', value: '10.0.0.300/8' },
  { name: 'selector label', platform: policy(() => ({ selector: { 'bad key': 'x' } })), path: 'dev/test/np', field: 'selector.bad key', value: 'bad key' },
  // Job
  { name: 'Job that always restarts', platform: job({ restartPolicy: RestartPolicy.ALWAYS }), path: 'dev/test/job', field: 'restartPolicy', value: 'Always' },
  { name: 'negative parallelism', platform: job({ parallelism: -1 }), path: 'dev/test/job', field: 'parallelism', value: -1 },
  { name: 'zero completions', platform: job({ completions: 0 }), path: 'dev/test/job', field: 'completions', value: 0 },
  { name: 'negative backoffLimit', platform: job({ backoffLimit: -1 }), path: 'dev/test/job', field: 'backoffLimit', value: -1 },
  { name: 'zero activeDeadlineSeconds', platform: job({ activeDeadlineSeconds: 0 }), path: 'dev/test/job', field: 'activeDeadlineSeconds', value: 0 },
  { name: 'negative ttlSecondsAfterFinished', platform: job({ ttlSecondsAfterFinished: -5 }), path: 'dev/test/job', field: 'ttlSecondsAfterFinished', value: -5 },
  { name: 'Indexed without completions', platform: job({ completionMode: CompletionMode.INDEXED }), path: 'dev/test/job', field: 'completions', value: undefined },
  { name: 'unknown completion mode', platform: job({ completionMode: 'Sometimes' as CompletionMode }), path: 'dev/test/job', field: 'completionMode', value: 'Sometimes' },
  // CronJob and its schedule
  { name: 'schedule with four fields', platform: cron({ schedule: CronSchedule.expression('* * * *') }), path: 'dev/test/cron', field: 'schedule', value: '* * * *' },
  { name: 'schedule field out of range', platform: cron({ schedule: CronSchedule.expression('61 * * * *') }), path: 'dev/test/cron', field: 'schedule', value: '61 * * * *' },
  { name: 'TZ inside the schedule', platform: cron({ schedule: CronSchedule.expression('TZ=UTC 0 * * * *') }), path: 'dev/test/cron', field: 'schedule', value: 'TZ=UTC 0 * * * *' },
  { name: '@reboot', platform: cron({ schedule: CronSchedule.expression('@reboot') }), path: 'dev/test/cron', field: 'schedule', value: '@reboot' },
  { name: 'unknown macro', platform: cron({ schedule: CronSchedule.expression('@fortnightly') }), path: 'dev/test/cron', field: 'schedule', value: '@fortnightly' },
  { name: 'unknown time zone', platform: cron({ timeZone: 'Mars/Olympus' }), path: 'dev/test/cron', field: 'timeZone', value: 'Mars/Olympus' },
  { name: 'unknown concurrency policy', platform: cron({ concurrencyPolicy: 'Sometimes' as ConcurrencyPolicy }), path: 'dev/test/cron', field: 'concurrencyPolicy', value: 'Sometimes' },
  { name: 'zero startingDeadlineSeconds', platform: cron({ startingDeadlineSeconds: 0 }), path: 'dev/test/cron', field: 'startingDeadlineSeconds', value: 0 },
  { name: 'negative history limit', platform: cron({ failedJobsHistoryLimit: -1 }), path: 'dev/test/cron', field: 'failedJobsHistoryLimit', value: -1 },
  { name: 'job template options', platform: cron({ backoffLimit: -1 }), path: 'dev/test/cron', field: 'jobTemplate.backoffLimit', value: -1 },
  { name: 'name too long for its Jobs', platform: cron({ name: 'c'.repeat(55) }), path: 'dev/test/cron', field: 'name', value: 'c'.repeat(55) },
];

test.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, bad) => expectRefusal(bad));
