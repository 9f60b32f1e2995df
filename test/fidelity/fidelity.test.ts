import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import {
  AppChart, Cpu, Deployment, DisruptionBudget, Environment, Job, Labels, LimitRange, Memory, NetworkPeer, NetworkPolicy, PersistentVolumeClaim,
  Pod, PodCount, PolicyType, Probe, QuotaScope, ResourceQuota, Resources, RestartPolicy, Service, StatefulSet, AccessMode, Waiver,
  PodManagementPolicy, StatefulSetUpdateStrategy, VolumeClaimTemplate, ServiceAccount, ClusterRoleBinding, Subject, ConfigMap, Volume, Placement, CompletionMode, InitStep, EnvValue,
} from '../../lib';
import { parseQuantity } from '../../lib/core/quantity';
import { problemsOf, render } from '../support/harness';

/**
 * The fidelity suite: real upstream manifests (Kubernetes documentation examples, see
 * upstream/SOURCES.json), each re-expressed with the public API only, compared object by object
 * with the upstream YAML once the library's documented defaults are set aside (`setAside`).
 * What the library renders differently on purpose is listed per case as an exception with its
 * reason; anything else that differs fails.
 */

const UPSTREAM = path.join(__dirname, 'upstream');
/** A profile without environment-driven additions: one replica, unscaled presets, no high availability. */
const DOCS = Environment.of({ name: 'docs', namespace: 'default', replicas: 1, baseDomain: 'example.com' });

interface Exception {
  /** Dotted path, set aside in both objects. */
  readonly path: string;
  /** Why the library renders it differently. */
  readonly reason: string;
}

interface Case {
  readonly file: string;
  readonly define: (chart: AppChart) => void;
  readonly exceptions?: Exception[];
  /** Objects the library names differently: upstream name → rendered name, and why. */
  readonly renamed?: { readonly names: Record<string, string>; readonly reason: string };
  /** The manifest as a whole is refused on purpose: the problem expected, and why. */
  readonly refused?: { readonly problem: RegExp; readonly reason: string };
}

const STANDARD_LABELS = [Labels.NAME, Labels.INSTANCE, Labels.VERSION, Labels.COMPONENT, Labels.PART_OF, Labels.MANAGED_BY, Labels.ENVIRONMENT];
const POD_SECURITY_PRESET = { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } };
const CONTAINER_SECURITY_PRESET = { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };

/** Upstream selector labels are expressed as the library's (name + instance): documented in the README (Labels). */
const SELECTOR: Exception = { path: 'spec.selector', reason: 'the library selects pods by app.kubernetes.io/name and instance only (README, Labels)' };

const MY_SCHEDULER_CONFIG = 'apiVersion: kubescheduler.config.k8s.io/v1beta2\nkind: KubeSchedulerConfiguration\nprofiles:\n  - schedulerName: my-scheduler\nleaderElection:\n  leaderElect: false\n';

const ZK_START = 'start-zookeeper --servers=3 --data_dir=/var/lib/zookeeper/data --data_log_dir=/var/lib/zookeeper/data/log --conf_dir=/opt/zookeeper/conf '
  + '--client_port=2181 --election_port=3888 --server_port=2888 --tick_time=2000 --init_limit=10 --sync_limit=5 --heap=512M --max_client_cnxns=60 '
  + '--snap_retain_count=3 --purge_interval=12 --max_session_timeout=40000 --min_session_timeout=4000 --log_level=INFO';

/** The last command argument (the shell script) of a container of an upstream manifest. */
function scriptOf(file: string, container: string): string {
  const docs = parseAllDocuments(fs.readFileSync(path.join(UPSTREAM, file), 'utf-8')).map((d) => d.toJSON());
  const pod = docs.find((d) => d?.spec?.template)?.spec.template.spec;
  const c = [...(pod.initContainers ?? []), ...pod.containers].find((x: any) => x.name === container);
  return c.command[c.command.length - 1];
}

/** Pods labelled `role: <role>` for policies to select (the upstream examples assume them). */
function withPods(chart: AppChart, ...roles: string[]): true {
  for (const role of roles) {
    new Deployment(chart, role, { labels: { role }, containers: [{ name: role, image: 'registry.example.com/app:1.0.0', ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromTcpSocket('http') }] });
  }
  return true;
}

const CASES: Case[] = [
  { file: 'quota-pod.yaml', define: (chart) => new ResourceQuota(chart, 'q', { name: 'pod-demo', pods: 2 }) },
  {
    file: 'quota-objects.yaml',
    define: (chart) => new ResourceQuota(chart, 'q', { name: 'object-quota-demo', persistentVolumeClaims: 1, hard: { 'services.loadbalancers': 2, 'services.nodeports': 0 } }),
  },
  {
    file: 'quota-mem-cpu.yaml',
    define: (chart) => new ResourceQuota(chart, 'q', { name: 'mem-cpu-demo', requestsCpu: Cpu.cores(1), requestsMemory: Memory.gibibytes(1), limitsCpu: Cpu.cores(2), limitsMemory: Memory.gibibytes(2) }),
  },
  {
    file: 'quota-objects-priority.yaml',
    define: (chart) => {
      for (const [level, cpu, memory] of [['high', '1000', '200Gi'], ['medium', '10', '20Gi'], ['low', '5', '10Gi']]) {
        new ResourceQuota(chart, level, {
          name: `pods-${level}`,
          pods: 10,
          hard: { cpu, memory },
          scopeSelector: [{ scopeName: QuotaScope.PRIORITY_CLASS, operator: 'In', values: [level] }],
        });
      }
    },
  },
  {
    file: 'memory-defaults.yaml',
    define: (chart) => new LimitRange(chart, 'lr', { name: 'mem-limit-range', defaultLimit: { memory: Memory.mebibytes(512) }, defaultRequest: { memory: Memory.mebibytes(256) } }),
  },
  {
    file: 'cpu-constraints.yaml',
    define: (chart) => new LimitRange(chart, 'lr', { name: 'cpu-min-max-demo-lr', max: { cpu: Cpu.millis(800) }, min: { cpu: Cpu.millis(200) } }),
    refused: {
      problem: /^\[docs\/docs\/lr\] max\.cpu: makes a CPU limit mandatory, but there is no default CPU limit/,
      reason: 'a CPU maximum without a default CPU limit makes the API server refuse every container without a CPU limit, and the library\'s containers have none by default (CPU is compressible): the library asks for defaultLimit.cpu with max.cpu',
    },
  },
  { file: 'limit-memory-ratio-pod.yaml', define: (chart) => new LimitRange(chart, 'lr', { name: 'limit-memory-ratio-pod', pod: { maxLimitRequestRatio: { memory: 2 } } }) },
  { file: 'storagelimits.yaml', define: (chart) => new LimitRange(chart, 'lr', { name: 'storagelimits', minStorage: '1Gi', maxStorage: '2Gi' }) },
  {
    file: 'networkpolicy.yaml',
    define: (chart) => withPods(chart, 'db', 'frontend') && new NetworkPolicy(chart, 'np', {
      name: 'test-network-policy',
      selector: { role: 'db' },
      policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
      ingress: [{
        peers: [NetworkPeer.cidr('docker', '172.17.0.0/16', ['172.17.1.0/24']), NetworkPeer.namespacesLabelled({ project: 'myproject' }), NetworkPeer.pods({ role: 'frontend' })],
        ports: [{ port: 6379 }],
      }],
      egress: [{ peers: [NetworkPeer.cidr('internal', '10.0.0.0/24')], ports: [{ port: 5978 }] }],
    }),
  },
  {
    file: 'networkpolicy-multiport-egress.yaml',
    define: (chart) => withPods(chart, 'db') && new NetworkPolicy(chart, 'np', {
      name: 'multi-port-egress',
      selector: { role: 'db' },
      egress: [{ peers: [NetworkPeer.cidr('internal', '10.0.0.0/24')], ports: [{ port: 32000, endPort: 32768 }] }],
    }),
  },
  { file: 'network-policy-default-deny-ingress.yaml', define: (chart) => new NetworkPolicy(chart, 'np', { name: 'default-deny-ingress', policyTypes: [PolicyType.INGRESS] }) },
  {
    file: 'nginx-deployment.yaml',
    define: (chart) => new Deployment(chart, 'd', {
      name: 'nginx-deployment',
      replicas: 3,
      containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ number: 80 }], readiness: Probe.fromTcpSocket(80), securityExceptions: { addCapabilities: ['NET_BIND_SERVICE'], writableRootFilesystem: true } }],
    }),
    exceptions: [
      SELECTOR,
      { path: 'metadata.labels', reason: 'app.kubernetes.io/name is the workload name (nginx-deployment), not "nginx": one name per component (README, Labels)' },
      { path: 'spec.template.metadata.labels', reason: 'same as metadata.labels' },
      { path: 'spec.template.spec.containers.0.readinessProbe', reason: 'a serving container needs a readiness probe (rule PLT070); upstream has none' },
      { path: 'spec.template.spec.containers.0.resources', reason: 'the library sizes every container (Resources.preset SMALL; rule PLT071); upstream sets none' },
      { path: 'spec.template.spec.containers.0.securityContext', reason: 'nginx binds port 80 and writes its cache as a non-root user: the restricted preset with NET_BIND_SERVICE and a writable root filesystem, named in the security-exceptions annotation' },
      { path: 'spec.template.metadata.annotations', reason: 'the security-exceptions annotation names the two exceptions above' },
    ],
  },
  {
    file: 'job.yaml',
    define: (chart) => new Job(chart, 'j', {
      name: 'pi',
      backoffLimit: 4,
      restartPolicy: RestartPolicy.NEVER,
      containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(1000)'] }],
    }),
    exceptions: [
      { path: 'spec.template.spec.containers.0.image', reason: 'untagged images are refused (image policy); re-expressed with a pinned tag, perl:5.34.0' },
      { path: 'spec.template.spec.containers.0.resources', reason: 'the library sizes every container (Resources.preset SMALL; rule PLT071); upstream sets none' },
    ],
  },
  {
    file: 'zookeeper-pod-disruption-budget-minavailable.yaml',
    define: (chart) => {
      const zk = new StatefulSet(chart, 'zk', {
        name: 'zookeeper',
        replicas: 3,
        ports: [{ port: 2181, name: 'client' }],
        containers: [{ name: 'kubernetes-zookeeper', image: 'registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10', ports: [{ number: 2181, name: 'client' }], readiness: Probe.fromTcpSocket('client') }],
      });
      new DisruptionBudget(chart, 'pdb', { target: zk, name: 'zk-pdb', minAvailable: PodCount.count(2) });
    },
    exceptions: [{ path: 'spec.selector', reason: 'the budget selects its target workload by the library\'s selector (name and instance): upstream selects app.kubernetes.io/name only' }],
  },
  {
    file: 'redis-leader-deployment.yaml',
    define: (chart) => new Deployment(chart, 'd', {
      name: 'redis-leader',
      replicas: 1,
      labels: { role: 'leader', tier: 'backend' },
      containers: [{
        name: 'leader',
        image: 'docker.io/redis:6.0.5',
        ports: [{ number: 6379 }],
        readiness: Probe.fromTcpSocket(6379),
        resources: Resources.of({ cpu: Cpu.millis(100), memory: Memory.mebibytes(100) }),
      }],
    }),
    exceptions: [
      SELECTOR,
      { path: 'spec.template.spec.containers.0.readinessProbe', reason: 'a serving container needs a readiness probe (rule PLT070); upstream has none' },
      { path: 'spec.template.spec.containers.0.resources.limits', reason: 'memory limit = memory request unless given (Resources: a pod never counts on memory the node may not have)' },
      { path: 'metadata.labels.app.kubernetes.io/name', reason: 'app.kubernetes.io/name is the workload name (redis-leader), not "redis" (README, Labels)' },
      { path: 'spec.template.metadata.labels.app.kubernetes.io/name', reason: 'same' },
    ],
  },
  {
    file: 'redis-leader-service.yaml',
    define: (chart) => {
      const leader = new Deployment(chart, 'd', {
        name: 'redis-leader',
        labels: { role: 'leader', tier: 'backend' },
        containers: [{ name: 'leader', image: 'docker.io/redis:6.0.5', ports: [{ number: 6379 }], readiness: Probe.fromTcpSocket(6379) }],
      });
      new Service(chart, 's', { target: leader, name: 'redis-leader', ports: [{ port: 6379, targetPort: 6379 }] });
    },
    exceptions: [
      { path: 'spec.selector', reason: 'a Service selects its target workload by the library\'s selector (name and instance)' },
      { path: 'metadata.labels.app.kubernetes.io/name', reason: 'app.kubernetes.io/name is the workload name (redis-leader), not "redis" (README, Labels)' },
    ],
  },
  {
    file: 'http-liveness.yaml',
    define: (chart) => Waiver.add(new Pod(chart, 'p', {
      name: 'liveness-http',
      labels: { test: 'liveness' },
      containers: [{
        name: 'liveness',
        image: 'registry.k8s.io/e2e-test-images/agnhost:2.40',
        args: ['liveness'],
        liveness: Probe.fromHttpGet('/healthz', 8080, { initialDelaySeconds: 3, periodSeconds: 3 }, undefined, { 'Custom-Header': 'Awesome' }),
      }],
    }), 'PLT072', 'agnhost serves 8080 without declaring the port, as upstream'),
    exceptions: [
      { path: 'metadata.annotations', reason: 'the waiver of PLT072 (a probe on an undeclared port) is visible in the YAML' },
      { path: 'spec.containers.0.resources', reason: 'the library sizes every container (Resources.preset SMALL; rule PLT071); upstream sets none' },
    ],
  },
  {
    file: 'zookeeper.yaml',
    define: (chart) => {
      const ready = Probe.fromCommand(['sh', '-c', 'zookeeper-ready 2181'], { initialDelaySeconds: 10, timeoutSeconds: 5 });
      const datadir = VolumeClaimTemplate.readWriteOnce('datadir', '10Gi');
      const zk = new StatefulSet(chart, 'zk', {
        name: 'zk',
        replicas: 3,
        serviceName: 'zk-hs',
        ports: [{ port: 2888, name: 'server' }, { port: 3888, name: 'leader-election' }],
        clientService: { name: 'zk-cs', ports: [{ port: 2181, name: 'client' }] },
        updateStrategy: StatefulSetUpdateStrategy.rollingUpdate(),
        podManagementPolicy: PodManagementPolicy.ORDERED_READY,
        volumeClaimTemplates: [datadir],
        identity: { user: 1000, fsGroup: 1000 },
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: chart.selectorFor('zk') }, topologyKey: 'kubernetes.io/hostname' }] } },
        containers: [{
          name: 'kubernetes-zookeeper',
          image: 'registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10',
          resources: Resources.of({ cpu: Cpu.millis(500), memory: Memory.gibibytes(1) }),
          ports: [{ number: 2181, name: 'client' }, { number: 2888, name: 'server' }, { number: 3888, name: 'leader-election' }],
          command: ['sh', '-c', ZK_START],
          readiness: ready,
          liveness: ready,
          mounts: [{ volume: datadir.volume, path: '/var/lib/zookeeper' }],
        }],
      });
      Waiver.add(zk, 'PLT074', 'upstream zookeeper: one cheap readiness check serves both probes');
      new DisruptionBudget(chart, 'pdb', { target: zk, name: 'zk-pdb', maxUnavailable: PodCount.count(1) });
    },
    exceptions: [
      { path: 'spec.selector', reason: 'Services, the budget and the StatefulSet select by the library\'s selector (name and instance)' },
      { path: 'spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.labelSelector', reason: 'upstream selects `app In [zk]`, a label its pods do not carry (rule PLT032 refuses a selector matching no pod): re-expressed with the set\'s own selector' },
      { path: 'spec.template.spec.containers.0.imagePullPolicy', reason: 'the pull policy follows the image reference (IfNotPresent for a pinned tag)' },
      { path: 'spec.template.spec.containers.0.resources.limits', reason: 'memory limit = memory request unless given (Resources)' },
      { path: 'spec.template.spec.securityContext.runAsNonRoot', reason: 'the identity is rendered as given (runAsUser 1000, fsGroup 1000), plus what restricted requires: runAsNonRoot' },
      { path: 'spec.template.spec.securityContext.seccompProfile', reason: 'and the RuntimeDefault seccomp profile (restricted)' },
      { path: 'metadata.annotations', reason: 'the waiver of PLT074 (identical liveness and readiness probes) is visible in the YAML' },
    ],
  },
  {
    file: 'my-scheduler.yaml',
    define: (chart) => {
      const account = new ServiceAccount(chart, 'sa', { name: 'my-scheduler', automountToken: true });
      new ClusterRoleBinding(chart, 'as-kube-scheduler', {
        name: 'my-scheduler-as-kube-scheduler', role: { kind: 'ClusterRole', name: 'system:kube-scheduler' }, subjects: [Subject.serviceAccount({ name: 'my-scheduler', namespace: 'kube-system' })],
      });
      new ClusterRoleBinding(chart, 'as-volume-scheduler', {
        name: 'my-scheduler-as-volume-scheduler', role: { kind: 'ClusterRole', name: 'system:volume-scheduler' }, subjects: [Subject.serviceAccount({ name: 'my-scheduler', namespace: 'kube-system' })],
      });
      const config = new ConfigMap(chart, 'config', { name: 'my-scheduler-config', data: { 'my-scheduler-config.yaml': MY_SCHEDULER_CONFIG } });
      const scheduler = new Deployment(chart, 'scheduler', {
        name: 'my-scheduler',
        replicas: 1,
        labels: { component: 'scheduler', tier: 'control-plane' },
        serviceAccountName: account.name,
        containers: [{
          name: 'kube-second-scheduler',
          image: 'gcr.io/my-gcp-project/my-kube-scheduler:1.0',
          command: ['/usr/local/bin/kube-scheduler', '--bind-address=0.0.0.0', '--config=/etc/kubernetes/my-scheduler/my-scheduler-config.yaml'],
          liveness: Probe.fromHttpGet('/healthz', 10251, { initialDelaySeconds: 15 }),
          readiness: Probe.fromHttpGet('/healthz', 10251),
          resources: Resources.of({ cpu: Cpu.millis(100), memory: Memory.mebibytes(128) }),
          mounts: [{ volume: Volume.fromConfigMap('config-volume', config.name), path: '/etc/kubernetes/my-scheduler' }],
        }],
      });
      Waiver.add(scheduler, 'PLT072', 'kube-scheduler serves /healthz on 10251 without declaring the port, as upstream');
      for (const c of [account, config, scheduler]) Placement.inNamespace(c, 'kube-system');
    },
    renamed: {
      names: { 'my-scheduler-as-kube-scheduler': 'docs-my-scheduler-as-kube-scheduler', 'my-scheduler-as-volume-scheduler': 'docs-my-scheduler-as-volume-scheduler' },
      reason: 'cluster-scoped names carry the environment, since environments may share a cluster',
    },
    exceptions: [
      SELECTOR,
      { path: 'metadata.annotations', reason: 'the waiver of PLT072 (a probe on an undeclared port) is visible in the YAML' },
      { path: 'automountServiceAccountToken', reason: 'the ServiceAccount states whether its token is mounted (true: the scheduler talks to the API server); upstream leaves the default, which is also true' },
      { path: 'spec.template.metadata.labels.version', reason: 'extra labels go on the object and its pods alike; upstream labels the pods only with version: second' },
      { path: 'spec.template.spec.containers.0.resources', reason: 'every container requests memory and limits it (rule PLT071); upstream requests 0.1 CPU only' },
      { path: 'spec.template.spec.containers.0.securityContext', reason: 'the restricted preset (upstream: privileged: false only)' },
      { path: 'spec.template.spec.containers.0.volumeMounts.0.readOnly', reason: 'ConfigMap mounts are read-only (the kubelet mounts them read-only anyway)' },
      { path: 'spec.template.spec.volumes.0.configMap.defaultMode', reason: 'ConfigMap files are written world-readable, not writable (0o444, written as 292)' },
      { path: 'spec.template.spec.hostNetwork', reason: 'false is the default; the library renders no host namespaces (refused by Pod Security)' },
      { path: 'spec.template.spec.hostPID', reason: 'same' },
    ],
  },
  {
    file: 'indexed-job.yaml',
    define: (chart) => {
      const job = new Job(chart, 'j', {
        name: 'indexed-job',
        completions: 5,
        parallelism: 3,
        completionMode: CompletionMode.INDEXED,
        restartPolicy: RestartPolicy.NEVER,
        containers: [{ name: 'worker', image: 'docker.io/library/busybox:1.36.1', command: ['rev', '/input/data.txt'] }],
      });
      InitStep.renderConfig(job, {
        container: { name: 'input', image: 'docker.io/library/bash:5.2.21', command: ['bash', '-c', 'items=(foo bar baz qux xyz)\necho ${items[$JOB_COMPLETION_INDEX]} > /input/data.txt\n'] },
        into: { name: 'input', path: '/input' },
      });
    },
    exceptions: [
      { path: 'spec.template.spec.containers.0.image', reason: 'untagged images are refused (image policy): busybox pinned to 1.36.1' },
      { path: 'spec.template.spec.initContainers.0.image', reason: 'same: bash pinned to 5.2.21' },
      { path: 'spec.template.spec.containers.0.resources', reason: 'the library sizes every container (Resources.preset SMALL; rule PLT071); upstream sets none' },
      { path: 'spec.template.spec.initContainers.0.resources', reason: 'an init container without resources gets the main containers\' total (it runs alone before them)' },
      { path: 'spec.template.spec.containers.0.volumeMounts.0.readOnly', reason: 'the directory an init step writes is mounted read-only in the main container (InitStep.renderConfig)' },
    ],
  },
  {
    file: 'mysql-statefulset.yaml',
    define: (chart) => {
      // The shell scripts are data: taken from the upstream file rather than copied a second time.
      const script = (container: string) => scriptOf('mysql-statefulset.yaml', container);
      const config = new ConfigMap(chart, 'config', { name: 'mysql', data: { 'primary.cnf': '[mysqld]\nlog-bin\n', 'replica.cnf': '[mysqld]\nsuper-read-only\n' } });
      const data = VolumeClaimTemplate.readWriteOnce('data', '10Gi');
      const conf = Volume.emptyDir('conf');
      const dataMount = { volume: data.volume, path: '/var/lib/mysql', subPath: 'mysql' };
      new StatefulSet(chart, 'mysql', {
        name: 'mysql',
        replicas: 3,
        labels: { app: 'mysql' },
        ports: [{ port: 3306, name: 'mysql' }],
        volumeClaimTemplates: [data],
        initContainers: [
          { name: 'init-mysql', image: 'mysql:5.7', command: ['bash', '-c', script('init-mysql')], mounts: [{ volume: conf, path: '/mnt/conf.d' }, { volume: Volume.fromConfigMap('config-map', config.name), path: '/mnt/config-map' }] },
          { name: 'clone-mysql', image: 'gcr.io/google-samples/xtrabackup:1.0', command: ['bash', '-c', script('clone-mysql')], mounts: [dataMount, { volume: conf, path: '/etc/mysql/conf.d' }] },
        ],
        containers: [
          {
            name: 'mysql',
            image: 'mysql:5.7',
            env: { MYSQL_ALLOW_EMPTY_PASSWORD: EnvValue.nonSensitive('1') },
            ports: [{ number: 3306, name: 'mysql' }],
            mounts: [dataMount, { volume: conf, path: '/etc/mysql/conf.d' }],
            resources: Resources.of({ cpu: Cpu.millis(500), memory: Memory.gibibytes(1) }),
            liveness: Probe.fromCommand(['mysqladmin', 'ping'], { initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5 }),
            readiness: Probe.fromCommand(['mysql', '-h', '127.0.0.1', '-e', 'SELECT 1'], { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 1 }),
          },
          {
            name: 'xtrabackup',
            image: 'gcr.io/google-samples/xtrabackup:1.0',
            ports: [{ number: 3307, name: 'xtrabackup' }],
            command: ['bash', '-c', script('xtrabackup')],
            mounts: [dataMount, { volume: conf, path: '/etc/mysql/conf.d' }],
            resources: Resources.of({ cpu: Cpu.millis(100), memory: Memory.mebibytes(100) }),
          },
        ],
      });
    },
    exceptions: [
      SELECTOR,
      { path: 'metadata.labels.app', reason: 'extra labels go on the object and its pods alike; upstream labels the pods only' },
      { path: 'spec.template.spec.initContainers.0.resources', reason: 'an init container without resources gets the main containers\' total (it runs alone before them); upstream sets none' },
      { path: 'spec.template.spec.initContainers.1.resources', reason: 'same (the 10 GiB clone gets the pod\'s 1124Mi, not a preset)' },
      { path: 'spec.template.spec.containers.0.resources.limits', reason: 'memory limit = memory request unless given (Resources)' },
      { path: 'spec.template.spec.containers.1.resources.limits', reason: 'same' },
      { path: 'spec.template.spec.initContainers.0.volumeMounts.1.readOnly', reason: 'ConfigMap mounts are read-only (the kubelet mounts them read-only anyway)' },
      { path: 'spec.template.spec.volumes.1.configMap.defaultMode', reason: 'ConfigMap files are written world-readable, not writable (0o444, written as 292)' },
    ],
  },
  {
    file: 'pv-claim.yaml',
    define: (chart) => new PersistentVolumeClaim(chart, 'c', { name: 'task-pv-claim', size: '3Gi', accessModes: [AccessMode.READ_WRITE_ONCE], storageClassName: 'manual' }),
  },
];

/** Removes the library's documented defaults (README) from a rendered object, in place. */
function setAsideDefaults(o: any, upstream: any): void {
  const meta = o.metadata ?? {};
  delete meta.namespace;
  for (const key of STANDARD_LABELS) if (upstream.metadata?.labels?.[key] === undefined) delete meta.labels?.[key];
  if (meta.labels && !Object.keys(meta.labels).length) delete meta.labels;
  const template = o.spec?.template ?? o.spec?.jobTemplate?.spec?.template;
  const upstreamTemplate = upstream.spec?.template ?? upstream.spec?.jobTemplate?.spec?.template;
  if (template) {
    for (const key of STANDARD_LABELS) if (upstreamTemplate?.metadata?.labels?.[key] === undefined) delete template.metadata?.labels?.[key];
    if (template.metadata?.labels && !Object.keys(template.metadata.labels).length) delete template.metadata.labels;
    // The hash of the ConfigMaps and Secrets the pod reads, so that a change rolls the pods (README).
    delete template.metadata?.annotations?.['k8s-constructs.io/config-hash'];
    if (template.metadata?.annotations && !Object.keys(template.metadata.annotations).length) delete template.metadata.annotations;
    if (template.metadata && !Object.keys(template.metadata).length) delete template.metadata;
  }
  const pod = template?.spec ?? (o.kind === 'Pod' ? o.spec : undefined);
  if (pod) {
    if (same(pod.securityContext, POD_SECURITY_PRESET)) delete pod.securityContext;
    if (pod.automountServiceAccountToken === false) delete pod.automountServiceAccountToken;
    for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
      if (same(c.securityContext, CONTAINER_SECURITY_PRESET)) delete c.securityContext;
      // The pull policy follows the image reference (IfNotPresent for a pinned tag).
      delete c.imagePullPolicy;
      for (const p of c.ports ?? []) if (p.protocol === 'TCP') delete p.protocol;
    }
  }
  for (const p of o.kind === 'Service' ? o.spec?.ports ?? [] : []) if (p.protocol === 'TCP') delete p.protocol;
}

/** Deep equality regardless of key order. */
function same(a: unknown, b: unknown): boolean {
  const sorted = (v: any): any => (Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v);
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

/** Quantities compared by value: `"2"` and `2` are the same amount. */
function canonical(value: any): any {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v)]));
  if (typeof value === 'string' && /^[0-9.]+(m|Ki|Mi|Gi|Ti|k|M|G)?$/.test(value) && /[.a-zA-Z]/.test(value)) {
    const amount = parseQuantity(value);
    if (amount !== undefined) return String(amount);
  }
  return typeof value === 'number' ? String(value) : value;
}

function drop(o: any, dotted: string): void {
  // Label keys contain dots: try the longest key that exists at each level.
  const parts = dotted.split('.');
  let node = o;
  let i = 0;
  while (node && i < parts.length) {
    let j = parts.length;
    while (j > i && !(parts.slice(i, j).join('.') in node)) j--;
    if (j === i) return;
    const key = parts.slice(i, j).join('.');
    if (j === parts.length) {
      delete node[key];
      return;
    }
    node = node[key];
    i = j;
  }
}

const sources: { file: string; repository: string; path: string; commit: string }[] = JSON.parse(fs.readFileSync(path.join(UPSTREAM, 'SOURCES.json'), 'utf-8'));

describe('fidelity: upstream manifests re-expressed with the public API', () => {
  test('at least 15 upstream manifests, each with its source recorded', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
    for (const c of CASES) {
      expect(sources.find((s) => s.file === c.file)).toMatchObject({ repository: 'kubernetes/website', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    }
  });

  test.each(CASES.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    const upstream = parseAllDocuments(fs.readFileSync(path.join(UPSTREAM, c.file), 'utf-8')).map((d) => d.toJSON()).filter(Boolean);
    if (c.refused) {
      expect(problemsOf(c.define, { environment: DOCS, app: 'docs' })).toEqual([expect.stringMatching(c.refused.problem)]);
      return;
    }
    const rendered = render(c.define, { environment: DOCS, app: 'docs' });
    for (const expected of upstream) {
      const name = c.renamed?.names[expected.metadata?.name] ?? expected.metadata?.name;
      const actual = structuredClone(rendered.find((o) => o.kind === expected.kind && o.metadata?.name === name));
      if (actual && name !== expected.metadata?.name) actual.metadata.name = expected.metadata.name;
      expect(actual).toBeDefined();
      const want = structuredClone(expected);
      delete want.metadata?.namespace;
      setAsideDefaults(actual, want);
      for (const e of c.exceptions ?? []) {
        drop(actual, e.path);
        drop(want, e.path);
      }
      for (const o of [actual, want]) if (o.metadata?.labels && !Object.keys(o.metadata.labels).length) delete o.metadata.labels;
      expect(canonical(actual)).toEqual(canonical(want));
    }
  });
});
