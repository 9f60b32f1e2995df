import {
  AppChart, ConfigMap, Deployment, EnvValue, ExternalSecret, NetworkIsolation, PodManagementPolicy, Probe, Resources, ResourceSize, Service, Sidecar,
  StackDefinition, StatefulSet, Volume, VolumeClaimTemplate,
} from '../../lib';
import { image } from '../images';

/** The secret manager store every ExternalSecret of the app reads. */
const STORE = { name: 'vault', clusterWide: true };

/**
 * The todo app of the notes (000): one pod with nginx in front of the todoapi server
 * (`BACKEND_HOST=localhost:8080`), the database URLs read from the Secret `mysql-secret`
 * (`TODO_MASTER_URL` for writes, `TODO_SLAVE_URL` for reads), and mysql as a primary with
 * replicas (a StatefulSet: member 0 is the primary, the others replicate from it).
 */
export const todo: StackDefinition = {
  name: 'todo',
  version: '1.0.0',
  define(chart) {
    const env = chart.environment;
    const mysql = mysqlPrimaryReplica(chart);

    // The URLs hold credentials, so they live in the secret manager, e.g.
    // `gihyo:...@tcp(todo-mysql-0.todo-mysql:3306)/tododb?parseTime=true` for the primary and
    // the same via `todo-mysql-read` for reads.
    const urls = new ExternalSecret(chart, 'mysql-secret', {
      name: 'mysql-secret',
      component: 'database',
      store: STORE,
      data: {
        'master-url': { key: `${env.name}/todo/mysql`, property: 'master-url' },
        'slave-url': { key: `${env.name}/todo/mysql`, property: 'slave-url' },
      },
    });
    const api = new Deployment(chart, 'todoapi', {
      component: 'api',
      containers: [{
        name: 'api',
        image: image('todoapi', env),
        ports: [{ number: 8080, name: 'api' }],
        env: {
          TODO_BIND: EnvValue.value(':8080'),
          TODO_MASTER_URL: urls.env('master-url'),
          TODO_SLAVE_URL: urls.env('slave-url'),
        },
        readiness: Probe.fromTcpSocket('api', { periodSeconds: 10 }),
        liveness: Probe.fromTcpSocket('api', { initialDelaySeconds: 15, periodSeconds: 20 }),
      }],
    });
    Sidecar.add(api, {
      container: {
        name: 'nginx',
        image: image('nginx', env),
        ports: [{ number: 80, name: 'http' }],
        env: {
          WORKER_PROCESSES: EnvValue.value('2'),
          WORKER_CONNECTIONS: EnvValue.value('1024'),
          LOG_STDOUT: EnvValue.value('true'),
          BACKEND_HOST: EnvValue.value('localhost:8080'),
        },
        writablePaths: ['/var/cache/nginx', '/var/run', '/tmp'],
        // nginx binds port 80 as a non-root user: the one capability restricted allows.
        securityExceptions: { addCapabilities: ['NET_BIND_SERVICE'] },
        readiness: Probe.fromTcpSocket('http', { periodSeconds: 10 }),
        liveness: Probe.fromTcpSocket('http', { initialDelaySeconds: 10, periodSeconds: 20 }),
      },
    });
    new Service(chart, 'todoapi-service', { target: api, ports: [{ port: 80, targetPort: 'http' }] });

    const network = new NetworkIsolation(chart, 'network', { baseline: false });
    network.allow(api, mysql, ['mysql']);
    // Replicas read the primary's binlog and clone the previous member's data.
    network.allow(mysql, mysql, ['mysql', 'xtrabackup']);
  },
};

/**
 * mysql primary and replicas, after the upstream tutorial "Run a Replicated Stateful
 * Application": init-mysql picks server-id and primary/replica config from the pod's ordinal,
 * clone-mysql copies the previous member's data, and the xtrabackup sidecar points replicas at
 * member 0. Two members (primary + replica), three where the profile asks for high availability.
 */
function mysqlPrimaryReplica(chart: AppChart): StatefulSet {
  const env = chart.environment;
  const root = new ExternalSecret(chart, 'mysql-root', {
    name: 'todo-mysql-root',
    component: 'database',
    store: STORE,
    data: { password: { key: `${env.name}/todo/mysql`, property: 'root-password' } },
  });
  const rootPassword = { MYSQL_ROOT_PASSWORD: root.env('password') };
  const config = new ConfigMap(chart, 'mysql-config', {
    name: 'todo-mysql',
    component: 'database',
    data: { 'primary.cnf': '[mysqld]\nlog-bin\n', 'replica.cnf': '[mysqld]\nsuper-read-only\n' },
  });
  const data = VolumeClaimTemplate.readWriteOnce('data', '10Gi');
  const conf = Volume.emptyDir('conf');
  const mysqlMounts = [{ volume: data.volume, path: '/var/lib/mysql', subPath: 'mysql' }, { volume: conf, path: '/etc/mysql/conf.d' }];
  const set = new StatefulSet(chart, 'mysql', {
    name: 'todo-mysql',
    component: 'database',
    replicas: env.highAvailability ? 3 : 2,
    ports: [{ port: 3306, name: 'mysql', targetPort: 'mysql' }],
    clientService: {},
    volumeClaimTemplates: [data],
    podManagementPolicy: PodManagementPolicy.ORDERED_READY,
    initContainers: [
      {
        name: 'init-mysql',
        image: image('mysql', env),
        command: ['bash', '-c', [
          'set -ex',
          '[[ $HOSTNAME =~ -([0-9]+)$ ]] || exit 1',
          'ordinal=${BASH_REMATCH[1]}',
          'echo [mysqld] > /mnt/conf.d/server-id.cnf',
          'echo server-id=$((100 + $ordinal)) >> /mnt/conf.d/server-id.cnf',
          'if [[ $ordinal -eq 0 ]]; then cp /mnt/config-map/primary.cnf /mnt/conf.d/; else cp /mnt/config-map/replica.cnf /mnt/conf.d/; fi',
        ].join('\n')],
        mounts: [{ volume: conf, path: '/mnt/conf.d' }, { volume: Volume.fromConfigMap('config-map', config.name), path: '/mnt/config-map' }],
      },
      {
        name: 'clone-mysql',
        image: image('xtrabackup', env),
        command: ['bash', '-c', [
          'set -ex',
          '[[ -d /var/lib/mysql/mysql ]] && exit 0',
          '[[ $HOSTNAME =~ -([0-9]+)$ ]] || exit 1',
          'ordinal=${BASH_REMATCH[1]}',
          '[[ $ordinal -eq 0 ]] && exit 0',
          'ncat --recv-only todo-mysql-$(($ordinal-1)).todo-mysql 3307 | xbstream -x -C /var/lib/mysql',
          'xtrabackup --prepare --target-dir=/var/lib/mysql',
        ].join('\n')],
        mounts: mysqlMounts,
        writablePaths: ['/tmp'],
      },
    ],
    containers: [{
      name: 'mysql',
      image: image('mysql', env),
      env: rootPassword,
      ports: [{ number: 3306, name: 'mysql' }],
      resources: Resources.preset(ResourceSize.LARGE),
      readiness: Probe.fromCommand(['sh', '-c', 'mysql -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD" -e "SELECT 1"'], { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 1 }),
      liveness: Probe.fromCommand(['sh', '-c', 'mysqladmin ping -uroot -p"$MYSQL_ROOT_PASSWORD"'], { initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5 }),
      mounts: mysqlMounts,
      writablePaths: ['/tmp', '/var/run/mysqld'],
    }],
  });
  set.addContainer({
    name: 'xtrabackup',
    image: image('xtrabackup', env),
    env: rootPassword,
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
    mounts: mysqlMounts,
    writablePaths: ['/tmp'],
  });
  return set;
}
