import { AppChart, ClaimRetention, ConfigMap, EnvValue, ExistingSecret, PodManagementPolicy, Probe, Resources, ResourceSize, StatefulSet, StatefulSetUpdateStrategy, Volume, VolumeClaimTemplate } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';
import { policyFindings } from './support/policy';

const REDIS = 'redis:7.2.4-alpine';

/** Redis of the journal app (the notes, 002): one member, its own disk, the password from the Secret `redis-password` as a file. */
function redis(chart: AppChart): StatefulSet {
  new ExistingSecret(chart, 'redis-password', { name: 'redis-password', keys: ['password'], createdBy: 'the runbook (kubectl create secret)' });
  const data = VolumeClaimTemplate.readWriteOnce('data', '1Gi');
  const password = Volume.fromSecret('redis-password', 'redis-password');
  return new StatefulSet(chart, 'redis', {
    component: 'database',
    ports: [{ port: 6379, name: 'redis', targetPort: 'redis' }],
    volumeClaimTemplates: [data],
    containers: [{
      name: 'redis',
      image: REDIS,
      command: ['sh', '-c', 'exec redis-server --dir /data --requirepass "$(cat /etc/redis-passwd/password)"'],
      ports: [{ number: 6379, name: 'redis' }],
      readiness: Probe.fromTcpSocket('redis'),
      mounts: [{ volume: data.volume, path: '/data' }, { volume: password, path: '/etc/redis-passwd' }],
    }],
  });
}

const MYSQL = 'mysql:5.7.44';
const XTRABACKUP = 'gcr.io/google-samples/xtrabackup:1.0';
const ROOT_PASSWORD = { MYSQL_ROOT_PASSWORD: EnvValue.fromSecret('mysql-root', 'password') };

/**
 * A mysql primary with two replicas, after the upstream tutorial "Run a Replicated Stateful
 * Application": init-mysql picks server-id and primary.cnf/replica.cnf from the pod's ordinal,
 * clone-mysql copies the data of the previous member, and the xtrabackup sidecar points
 * replicas at the primary through its stable DNS name.
 */
function mysql(chart: AppChart): StatefulSet {
  new ExistingSecret(chart, 'mysql-root', { name: 'mysql-root', keys: ['password'], createdBy: 'the runbook (kubectl create secret)' });
  new ConfigMap(chart, 'mysql-config', {
    name: 'mysql',
    data: { 'primary.cnf': '[mysqld]\nlog-bin\n', 'replica.cnf': '[mysqld]\nsuper-read-only\n' },
  });
  const data = VolumeClaimTemplate.readWriteOnce('data', '10Gi');
  const conf = Volume.emptyDir('conf');
  const configMap = Volume.fromConfigMap('config-map', 'mysql');
  const set = new StatefulSet(chart, 'mysql', {
    component: 'database',
    replicas: 3,
    ports: [{ port: 3306, name: 'mysql', targetPort: 'mysql' }],
    clientService: {},
    volumeClaimTemplates: [data],
    podManagementPolicy: PodManagementPolicy.ORDERED_READY,
    updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 0 }),
    initContainers: [
      {
        name: 'init-mysql',
        image: MYSQL,
        command: ['bash', '-c', [
          'set -ex',
          '[[ $HOSTNAME =~ -([0-9]+)$ ]] || exit 1',
          'ordinal=${BASH_REMATCH[1]}',
          'echo [mysqld] > /mnt/conf.d/server-id.cnf',
          'echo server-id=$((100 + $ordinal)) >> /mnt/conf.d/server-id.cnf',
          'if [[ $ordinal -eq 0 ]]; then cp /mnt/config-map/primary.cnf /mnt/conf.d/; else cp /mnt/config-map/replica.cnf /mnt/conf.d/; fi',
        ].join('\n')],
        mounts: [{ volume: conf, path: '/mnt/conf.d' }, { volume: configMap, path: '/mnt/config-map' }],
      },
      {
        name: 'clone-mysql',
        image: XTRABACKUP,
        command: ['bash', '-c', [
          'set -ex',
          '[[ -d /var/lib/mysql/mysql ]] && exit 0',
          '[[ $HOSTNAME =~ -([0-9]+)$ ]] || exit 1',
          'ordinal=${BASH_REMATCH[1]}',
          '[[ $ordinal -eq 0 ]] && exit 0',
          'ncat --recv-only mysql-$(($ordinal-1)).mysql 3307 | xbstream -x -C /var/lib/mysql',
          'xtrabackup --prepare --target-dir=/var/lib/mysql',
        ].join('\n')],
        mounts: [{ volume: data.volume, path: '/var/lib/mysql', subPath: 'mysql' }, { volume: conf, path: '/etc/mysql/conf.d' }],
        writablePaths: ['/tmp'],
      },
    ],
    containers: [{
      name: 'mysql',
      image: MYSQL,
      env: ROOT_PASSWORD,
      ports: [{ number: 3306, name: 'mysql' }],
      resources: Resources.preset(ResourceSize.LARGE),
      readiness: Probe.fromCommand(['sh', '-c', 'mysql -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD" -e "SELECT 1"'], { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 1 }),
      liveness: Probe.fromCommand(['sh', '-c', 'mysqladmin ping -uroot -p"$MYSQL_ROOT_PASSWORD"'], { initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5 }),
      mounts: [{ volume: data.volume, path: '/var/lib/mysql', subPath: 'mysql' }, { volume: conf, path: '/etc/mysql/conf.d' }],
      writablePaths: ['/tmp', '/var/run/mysqld'],
    }],
  });
  set.addContainer({
    name: 'xtrabackup',
    image: XTRABACKUP,
    env: ROOT_PASSWORD,
    ports: [{ number: 3307, name: 'xtrabackup' }],
    readiness: Probe.fromTcpSocket('xtrabackup'),
    command: ['bash', '-c', [
      'set -ex',
      'cd /var/lib/mysql',
      'if [[ -f xtrabackup_binlog_info ]]; then',
      '  [[ $(cat xtrabackup_binlog_info) =~ ^(.*?)[[:space:]]+(.*?)$ ]] || exit 1',
      '  echo "CHANGE MASTER TO MASTER_LOG_FILE=\'${BASH_REMATCH[1]}\', MASTER_LOG_POS=${BASH_REMATCH[2]}" > change_master_to.sql.in',
      'fi',
      'if [[ -f change_master_to.sql.in ]]; then',
      '  until mysql -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD" -e "SELECT 1"; do sleep 1; done',
      `  mysql -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD" -e "$(<change_master_to.sql.in), MASTER_HOST='${set.memberDnsName(0)}', MASTER_USER='root', MASTER_PASSWORD='$MYSQL_ROOT_PASSWORD', MASTER_CONNECT_RETRY=10; START SLAVE;"`,
      '  mv change_master_to.sql.in change_master_to.sql.orig',
      'fi',
      'exec ncat --listen --keep-open --send-only --max-conns=1 3307 -c "xtrabackup --backup --slave-info --stream=xbstream --host=127.0.0.1 --user=root --password=$MYSQL_ROOT_PASSWORD"',
    ].join('\n')],
    mounts: [{ volume: data.volume, path: '/var/lib/mysql', subPath: 'mysql' }, { volume: conf, path: '/etc/mysql/conf.d' }],
    writablePaths: ['/tmp'],
  });
  return set;
}

describe('StatefulSet: redis of the journal app', () => {
  test('snapshot', () => expectSnapshot(redis));

  test('a headless Service selecting the members, named in serviceName, with the named port', () => {
    const objects = render(redis);
    const set = find(objects, 'StatefulSet', 'redis');
    const service = find(objects, 'Service', set.spec.serviceName);
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }]);
    expect(set.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(set.spec.selector.matchLabels).toEqual(service.spec.selector);
  });

  test('per-member storage is a claim template, not a pod volume; the password is a read-only Secret file', () => {
    const set = find(render(redis), 'StatefulSet', 'redis');
    expect(set.spec.replicas).toBe(1);
    expect(set.spec.volumeClaimTemplates).toEqual([{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }]);
    const pod = set.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'redis-password', secret: { secretName: 'redis-password', defaultMode: 0o400 } }]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
      { name: 'redis-password', mountPath: '/etc/redis-passwd', readOnly: true },
    ]);
  });

  test('memberDnsName: <name>-<ordinal>.<service>.<namespace>.svc.cluster.local', () => {
    let dns = '';
    render((chart) => { dns = redis(chart).memberDnsName(0); }, { environment: 'stage' });
    expect(dns).toBe('redis-0.redis.stage.svc.cluster.local');
  });

  test('one member gets no disruption budget, even in a highAvailability environment', () => {
    expect(render(redis, { environment: 'stage' }).map((o) => o.kind)).toEqual(['Service', 'StatefulSet']);
  });
});

describe('StatefulSet: mysql primary and replicas', () => {
  test('snapshot', () => expectSnapshot(mysql, { environment: 'stage' }));

  test('init containers choose the role from the ordinal; the sidecar wires replicas to member 0', () => {
    const pod = find(render(mysql), 'StatefulSet', 'mysql').spec.template.spec;
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['init-mysql', 'clone-mysql']);
    expect(pod.initContainers[0].command[2]).toContain('ordinal=${BASH_REMATCH[1]}');
    expect(pod.containers.map((c: any) => c.name)).toEqual(['mysql', 'xtrabackup']);
    expect(pod.containers[1].command[2]).toContain('MASTER_HOST=\'mysql-0.mysql.dev.svc.cluster.local\'');
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('data');
  });

  test('a client Service for reads next to the headless one; ordered members, rolling update with partition', () => {
    const objects = render(mysql);
    const read = find(objects, 'Service', 'mysql-read');
    expect(read.spec.clusterIP).toBeUndefined();
    expect(read.spec.selector).toEqual(find(objects, 'Service', 'mysql').spec.selector);
    const spec = find(objects, 'StatefulSet', 'mysql').spec;
    expect([spec.replicas, spec.podManagementPolicy, spec.updateStrategy]).toEqual([3, 'OrderedReady', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }]);
  });

  test('in a highAvailability environment: a PodDisruptionBudget and a soft spread across nodes', () => {
    const objects = render(mysql, { environment: 'stage' });
    const pdb = find(objects, 'PodDisruptionBudget', 'mysql');
    const set = find(objects, 'StatefulSet', 'mysql');
    expect(pdb.spec).toEqual({ selector: { matchLabels: set.spec.selector.matchLabels }, maxUnavailable: 1 });
    expect(set.spec.template.spec.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: set.spec.selector.matchLabels },
    }]);
  });
});

describe('StatefulSet options', () => {
  const gossip = (chart: AppChart) => new StatefulSet(chart, 'peers', {
    replicas: 3,
    ports: [{ port: 7946, name: 'gossip', targetPort: 'gossip' }],
    serviceName: 'peers-mesh',
    publishNotReadyAddresses: true,
    podManagementPolicy: PodManagementPolicy.PARALLEL,
    updateStrategy: StatefulSetUpdateStrategy.onDelete(),
    minReadySeconds: 10,
    revisionHistoryLimit: 3,
    claimsWhenDeleted: ClaimRetention.DELETE,
    claimsWhenScaled: ClaimRetention.RETAIN,
    containers: [{ name: 'peer', image: 'registry.example.com/peer:1.0.0', ports: [{ number: 7946, name: 'gossip' }], readiness: Probe.fromTcpSocket('gossip') }],
  });

  test('snapshot: parallel members, OnDelete, publishNotReadyAddresses, a custom Service name', () => expectSnapshot(gossip));

  test('options are written as given', () => {
    const objects = render(gossip);
    const spec = find(objects, 'StatefulSet', 'peers').spec;
    expect(spec).toMatchObject({ serviceName: 'peers-mesh', podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' }, minReadySeconds: 10, revisionHistoryLimit: 3 });
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' });
    expect(find(objects, 'Service', 'peers-mesh').spec.publishNotReadyAddresses).toBe(true);
  });

  test('releaseReplicas leaves spec.replicas out', () => {
    const set = find(render((chart) => gossip(chart).releaseReplicas()), 'StatefulSet', 'peers');
    expect(set.spec.replicas).toBeUndefined();
  });
});

describe('StatefulSet refusals', () => {
  const peer = { name: 'peer', image: 'registry.example.com/peer:1.0.0', ports: [{ number: 7000, name: 'peer' }], readiness: Probe.fromTcpSocket('peer') };
  const PORTS = [{ port: 7000, name: 'peer', targetPort: 'peer' }];

  test('no port for the headless Service', () => {
    const problems = problemsOf((chart) => new StatefulSet(chart, 'db', { ports: [], containers: [peer] }));
    expect(problems).toEqual(['[dev/test/db/Headless] ports: a Service needs at least one port (got []). Fix: add the port the workload serves on']);
  });

  test('an unnamed headless Service port', () => {
    const problems = problemsOf((chart) => new StatefulSet(chart, 'db', { ports: [{ port: 7000 }], containers: [peer] }));
    expect(problems).toEqual(['[dev/test/db] PLT076 ports[0].name: is missing: members are found by named ports (DNS SRV records) (got 7000). Fix: name the port, e.g. "redis" (or waive PLT076 with a reason)']);
  });

  test('a headless Service port no container exposes', () => {
    const problems = problemsOf((chart) => new StatefulSet(chart, 'db', { ports: [{ port: 5432, name: 'pg' }], containers: [peer] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/db\/Headless\] ports\[0\]\.targetPort: is not a port of any container of db \(got 5432\)/)]);
  });

  test('a claim template without size', () => {
    const problems = problemsOf((chart) => {
      const data = new VolumeClaimTemplate({ name: 'data', size: '' });
      new StatefulSet(chart, 'db', { ports: PORTS, volumeClaimTemplates: [data], containers: [{ ...peer, mounts: [{ volume: data.volume, path: '/data' }] }] });
    });
    expect(problems).toEqual(['[dev/test/db] volumeClaimTemplates[0].size: must be a positive storage quantity (got ""). Fix: give the size the volume needs, e.g. "1Gi"']);
  });

  test('a claim template no container mounts', () => {
    const problems = problemsOf((chart) => new StatefulSet(chart, 'db', { ports: PORTS, volumeClaimTemplates: [VolumeClaimTemplate.readWriteOnce('data', '1Gi')], containers: [peer] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/db\] volumeClaimTemplates\[0\]\.name: is not mounted by any container.*\(got "data"\)\. Fix: /)]);
  });

  test('a claim template named like a pod volume', () => {
    const problems = problemsOf((chart) => new StatefulSet(chart, 'db', {
      ports: PORTS,
      volumeClaimTemplates: [VolumeClaimTemplate.readWriteOnce('data', '1Gi')],
      containers: [{ ...peer, mounts: [{ volume: Volume.emptyDir('data'), path: '/data' }] }],
    }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/db\] volumeClaimTemplates\[0\]\.name: is also the name of a pod volume \(got "data"\)/)]);
  });

  test('a partition above the member count', () => {
    const problems = problemsOf((chart) => new StatefulSet(chart, 'db', { replicas: 2, ports: PORTS, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 3 }), containers: [peer] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/db\] updateStrategy\.partition: is above the member count \(2\), so no member is ever updated \(got 3\)\. Fix: use at most 2/)]);
  });

  test('a negative partition and negative replicas', () => {
    const problems = problemsOf((chart) => new StatefulSet(chart, 'db', { replicas: -1, ports: PORTS, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: -1 }), containers: [peer] }));
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/db\] replicas: must be a whole number >= 0 \(got -1\)/),
      expect.stringMatching(/^\[dev\/test\/db\] updateStrategy\.partition: must be a whole number >= 0 \(got -1\)/),
    ]);
  });

  test('wiring to a member that does not exist', () => {
    const problems = problemsOf((chart) => {
      new StatefulSet(chart, 'db', { replicas: 2, ports: PORTS, containers: [peer] }).memberDnsName(2);
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/db\] memberDnsName: names a member that does not exist \(members are 0-1\) \(got 2\)\. Fix: /)]);
  });
});

describe('StatefulSet under the platform policy engine', () => {
  test.each(['dev', 'stage'] as const)('redis and mysql pass every rule in %s (headless Service, PSS restricted, probes, requests)', (environment) => {
    expect(policyFindings((chart) => { redis(chart); mysql(chart); }, environment, { secrets: ['redis-password', 'mysql-root'] })).toEqual([]);
  });
});
