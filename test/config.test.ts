import { stringify } from 'yaml';
import {
  Annotations, AppChart, ConfigMap, Deployment, EnvValue, ExistingSecret, ExternalSecret, Secret, SecretValue, Service, ServiceType, Sidecar, Volume,
  PodSecurityLevel, Probe,
} from '../lib';
import { podSecurityProblems } from '../lib/policy/pod-security';
import { EnvName, expectSnapshot, find, problemsOf, render } from './support/harness';

const ENVS: EnvName[] = ['dev', 'stage', 'prod'];
/** Commit-sha tags: immutable, so accepted by every environment's image policy. */
const IMAGES = {
  nginx: 'gihyodocker/nginx:3f9c2a1',
  todoapi: 'gihyodocker/todoapi:9b8e7d6',
  echo: 'gihyodocker/echo:4d5e6f7',
  journal: 'brendanburns/journal-server:c0ffee1',
};
/** nginx binds port 80 as a non-root user: the one capability restricted allows, named and annotated. */
const NGINX_ON_80 = { addCapabilities: ['NET_BIND_SERVICE'] };
const NGINX_WRITABLE = ['/var/cache/nginx', '/var/run', '/tmp'];

/** The notes (000): todoapi, nginx fronting the api in one pod, DB URLs from `mysql-secret`. */
function todoapi(chart: AppChart): void {
  const mysql = new ExistingSecret(chart, 'mysql-secret', { name: 'mysql-secret', keys: ['username', 'password'], createdBy: 'the MySQL operator' });
  const app = new Deployment(chart, 'todoapi', {
    containers: [{
      name: 'api',
      image: IMAGES.todoapi,
      ports: [{ number: 8080, name: 'api' }],
      readiness: Probe.fromTcpSocket('api'),
      env: {
        TODO_BIND: EnvValue.value(':8080'),
        TODO_MASTER_URL: mysql.env('username'),
        TODO_SLAVE_URL: mysql.env('password'),
      },
    }],
  });
  Sidecar.add(app, {
    container: {
      name: 'nginx',
      image: IMAGES.nginx,
      ports: [{ number: 80, name: 'http' }],
      env: {
        WORKER_PROCESSES: EnvValue.value('2'),
        WORKER_CONNECTIONS: EnvValue.value('1024'),
        LOG_STDOUT: EnvValue.value('true'),
        BACKEND_HOST: EnvValue.value('localhost:8080'),
      },
      writablePaths: NGINX_WRITABLE,
      securityExceptions: NGINX_ON_80,
    },
  });
  new Service(chart, 'todoapi-service', { target: app, ports: [{ port: 80, targetPort: 'http' }] });
}

/** The notes (000): nginx with basic auth from a `.htpasswd` Secret, echo backend on localhost:8080. */
function basicAuth(chart: AppChart): void {
  const htpasswd = new ExternalSecret(chart, 'nginx-secret', {
    name: 'nginx-secret',
    store: { name: 'vault', clusterWide: true },
    data: { '.htpasswd': { key: 'basic-auth/htpasswd' } },
  });
  const app = new Deployment(chart, 'basic-auth', {
    containers: [{ name: 'echo', image: IMAGES.echo, ports: [{ number: 8080 }], readiness: Probe.fromTcpSocket(8080), env: { HTTP_PORT: EnvValue.value('8080') } }],
  });
  Sidecar.add(app, {
    container: {
      name: 'nginx',
      image: IMAGES.nginx,
      ports: [{ number: 80, name: 'http' }],
      env: { BACKEND_HOST: EnvValue.value('localhost:8080'), BASIC_AUTH_FILE: EnvValue.value('/etc/nginx/secret/.htpasswd') },
      mounts: [{ volume: htpasswd.volume('nginx-secret'), path: '/etc/nginx/secret', readOnly: true }],
      writablePaths: NGINX_WRITABLE,
      securityExceptions: NGINX_ON_80,
    },
  });
  new Service(chart, 'basic-auth-service', { target: app, type: ServiceType.NODE_PORT, ports: [{ port: 80, targetPort: 'http' }] });
}

/** The notes (002): the journal frontend, JOURNAL_ENTRIES from a ConfigMap, the redis password Secret as a volume. */
function journalFrontend(entries = '10') {
  return (chart: AppChart): void => {
    const config = new ConfigMap(chart, 'frontend-config', { data: { journalEntries: entries } });
    const redis = new ExistingSecret(chart, 'redis-passwd', { name: 'redis-passwd', keys: ['password'], createdBy: 'kubectl create secret generic redis-passwd --from-literal=password=...' });
    new Deployment(chart, 'frontend', {
      containers: [{
        name: 'frontend',
        image: IMAGES.journal,
        ports: [{ number: 8080, name: 'http' }],
        readiness: Probe.fromHttpGet('/healthz', 'http'),
        env: { JOURNAL_ENTRIES: EnvValue.fromConfigMap(config.name, 'journalEntries') },
        mounts: [{ volume: redis.volume('passwd-volume'), path: '/etc/redis-passwd' }],
        writablePaths: ['/tmp'],
      }],
    });
  };
}

function pod(objects: any[], name: string): any {
  return find(objects, 'Deployment', name).spec.template;
}

describe('todoapi (notes 000)', () => {
  test('TODO_MASTER_URL and TODO_SLAVE_URL come from mysql-secret; nginx fronts the api', () => {
    const template = pod(render(todoapi), 'todoapi');
    const [api, nginx] = template.spec.containers;
    expect(api.env).toEqual([
      { name: 'TODO_BIND', value: ':8080' },
      { name: 'TODO_MASTER_URL', valueFrom: { secretKeyRef: { name: 'mysql-secret', key: 'username' } } },
      { name: 'TODO_SLAVE_URL', valueFrom: { secretKeyRef: { name: 'mysql-secret', key: 'password' } } },
    ]);
    expect(nginx.env).toContainEqual({ name: 'BACKEND_HOST', value: 'localhost:8080' });
    expect(nginx.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(template.metadata.annotations).toEqual({ [Annotations.SECURITY_EXCEPTIONS]: 'nginx:capability-NET_BIND_SERVICE' });
  });

  test.each(ENVS)('%s snapshot', (environment) => expectSnapshot(todoapi, { environment }));

  test('a key mysql-secret does not hold is refused', () => {
    const problems = problemsOf((chart) => {
      const mysql = new ExistingSecret(chart, 'mysql-secret', { name: 'mysql-secret', keys: ['username', 'password'], createdBy: 'the MySQL operator' });
      new Deployment(chart, 'todoapi', { containers: [{ name: 'api', image: IMAGES.todoapi, env: { TODO_MASTER_URL: mysql.env('master-url') } }] });
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/todoapi\] pod\.containers\[0\]\.env\.TODO_MASTER_URL: is not a key of Secret mysql-secret \(its keys: username, password\) \(got "master-url"\)\. Fix: /),
    ]);
  });
});

describe('basic-auth nginx (notes 000)', () => {
  test('.htpasswd from a Secret, mounted read-only at /etc/nginx/secret, owner-read-only files', () => {
    const objects = render(basicAuth);
    const template = pod(objects, 'basic-auth');
    const nginx = template.spec.containers[1];
    expect(nginx.volumeMounts).toContainEqual({ name: 'nginx-secret', mountPath: '/etc/nginx/secret', readOnly: true });
    expect(template.spec.volumes).toContainEqual({ name: 'nginx-secret', secret: { secretName: 'nginx-secret', defaultMode: 0o400 } });
    expect(find(objects, 'ExternalSecret', 'nginx-secret').spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'nginx-secret', creationPolicy: 'Owner' },
      data: [{ secretKey: '.htpasswd', remoteRef: { key: 'basic-auth/htpasswd' } }],
    });
    expect(find(objects, 'ExternalSecret', 'nginx-secret').apiVersion).toBe('external-secrets.io/v1');
  });

  test.each(ENVS)('%s snapshot', (environment) => expectSnapshot(basicAuth, { environment }));
});

describe('journal frontend (notes 002)', () => {
  test('JOURNAL_ENTRIES from the ConfigMap, the redis password as a read-only Secret volume', () => {
    const template = pod(render(journalFrontend()), 'frontend');
    const c = template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'JOURNAL_ENTRIES', valueFrom: { configMapKeyRef: { name: 'frontend-config', key: 'journalEntries' } } }]);
    expect(c.volumeMounts).toContainEqual({ name: 'passwd-volume', mountPath: '/etc/redis-passwd', readOnly: true });
    expect(template.spec.volumes).toContainEqual({ name: 'passwd-volume', secret: { secretName: 'redis-passwd', defaultMode: 0o400 } });
  });

  test.each(ENVS)('%s snapshot', (environment) => expectSnapshot(journalFrontend(), { environment }));

  test('a changed ConfigMap changes the pod template (the pods roll); an unchanged one does not', () => {
    const hash = (entries: string) => pod(render(journalFrontend(entries)), 'frontend').metadata.annotations[Annotations.CONFIG_HASH];
    expect(hash('10')).toMatch(/^[0-9a-f]{64}$/);
    expect(hash('10')).toBe(hash('10'));
    expect(hash('20')).not.toBe(hash('10'));
  });

  test('a key the ConfigMap lacks is refused', () => {
    const problems = problemsOf((chart) => {
      const config = new ConfigMap(chart, 'frontend-config', { data: { journalEntries: '10' } });
      new Deployment(chart, 'frontend', { containers: [{ name: 'frontend', image: IMAGES.journal, env: { JOURNAL_ENTRIES: EnvValue.fromConfigMap(config.name, 'journal-entries') } }] });
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/frontend\] pod\.containers\[0\]\.env\.JOURNAL_ENTRIES: is not a key of ConfigMap frontend-config \(its keys: journalEntries\) \(got "journal-entries"\)\. Fix: /),
    ]);
  });

  test('optional keys and ConfigMaps outside the stack are not checked', () => {
    expect(() => render((chart) => {
      new ConfigMap(chart, 'frontend-config', { data: { journalEntries: '10' } });
      const frontend = new Deployment(chart, 'frontend', {
        containers: [{
          name: 'frontend',
          image: IMAGES.journal,
          env: { A: EnvValue.fromConfigMap('frontend-config', 'other', { optional: true }), B: EnvValue.fromConfigMap('cluster-config', 'x') },
        }],
      });
      // The policy engine (which render() runs, as the synth does) needs it declared external.
      frontend.apiObject.metadata.addAnnotation('k8s-constructs.io/external-configmaps', 'cluster-config');
    })).not.toThrow();
  });
});

describe('the notes examples in every environment', () => {
  const examples = { todoapi, basicAuth, journalFrontend: journalFrontend() };
  test.each(Object.keys(examples).flatMap((name) => ENVS.map((env) => [name, env] as const)))('%s pods pass Pod Security Standards restricted in %s', (name, environment) => {
    for (const o of render(examples[name as keyof typeof examples], { environment }).filter((x) => x.kind === 'Deployment')) {
      expect(podSecurityProblems(o.spec.template.spec, PodSecurityLevel.RESTRICTED, { annotations: o.spec.template.metadata.annotations })).toEqual([]);
    }
  });
});

describe('config hash', () => {
  const stack = (mapping: string, extra?: (chart: AppChart) => void) => (chart: AppChart) => {
    const settings = new ConfigMap(chart, 'settings', { data: { LOG_LEVEL: 'info' } });
    new ConfigMap(chart, 'unrelated', { data: { x: mapping } });
    const creds = new ExternalSecret(chart, 'creds', { store: { name: 'vault' }, data: { token: { key: mapping } } });
    new Deployment(chart, 'api', {
      containers: [{
        name: 'api',
        image: IMAGES.todoapi,
        envFrom: [{ kind: 'ConfigMap', name: settings.name }],
        env: { TOKEN: creds.env('token') },
      }],
    });
    extra?.(chart);
  };
  const hashOf = (define: (chart: AppChart) => void) => pod(render(define), 'api').metadata.annotations?.[Annotations.CONFIG_HASH];

  test('covers envFrom ConfigMaps and ExternalSecret mappings, not objects the pod does not read', () => {
    expect(hashOf(stack('app/token'))).not.toBe(hashOf(stack('app/token-v2')));
    const withUnrelated = (chart: AppChart) => {
      stack('app/token')(chart);
    };
    expect(hashOf(withUnrelated)).toBe(hashOf(stack('app/token')));
  });

  test('no annotation when the pod reads nothing whose content the stack knows', () => {
    expect(hashOf((chart) => {
      const mysql = new ExistingSecret(chart, 'mysql', { name: 'mysql-secret', keys: ['username'], createdBy: 'operator' });
      new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGES.todoapi, env: { U: mysql.env('username') } }] });
    })).toBeUndefined();
  });

  test('covers Secret and ConfigMap volumes', () => {
    const define = (value: string) => (chart: AppChart) => {
      const cert = new Secret(chart, 'ca', { data: { 'ca.crt': SecretValue.nonSensitive(value) } });
      new Deployment(chart, 'api', {
        containers: [{ name: 'api', image: IMAGES.todoapi, mounts: [{ volume: cert.volume('ca'), path: '/etc/ca' }] }],
      });
    };
    expect(hashOf(define('A'))).not.toBe(hashOf(define('B')));
  });
});

describe('secrets and config volumes', () => {
  test('a Secret in the stack only takes values marked non-sensitive, written as stringData', () => {
    const objects = render((chart) => {
      new Secret(chart, 'public-ca', { data: { 'ca.crt': SecretValue.nonSensitive('-----BEGIN CERTIFICATE-----') } });
    });
    expect(find(objects, 'Secret', 'public-ca')).toMatchObject({ type: 'Opaque', stringData: { 'ca.crt': '-----BEGIN CERTIFICATE-----' } });
  });

  test('a plain string as a Secret value is refused, and the value is not repeated in the message', () => {
    const problems = problemsOf((chart) => {
      new Secret(chart, 'db', { data: { password: 'hunter2' as unknown as SecretValue } });
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/db\] data\.password: is not a SecretValue: a credential would be written into the manifests \(got "<hidden>"\)\. Fix: /)]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  test('a literal for a credential-like variable is refused, without repeating the value', () => {
    const problems = problemsOf((chart) => {
      new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGES.todoapi, env: { DB_PASSWORD: EnvValue.value('hunter2') } }] });
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.env\.DB_PASSWORD: is a literal, but the name suggests a credential.*\(got "<hidden>"\)\. Fix: read it from a Secret/),
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  test('credential-like names are read as the engine\'s scanner reads them (MYSQL_PWD, AUTH, BEARER), settings about them are not', () => {
    const env = { MYSQL_PWD: EnvValue.value('x'), AUTH: EnvValue.value('x'), BEARER: EnvValue.value('x'), DB_PASSWORD_FILE: EnvValue.value('/run/secrets/db'), AUTH_URL: EnvValue.value('https://auth') };
    const problems = problemsOf((chart) => {
      new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGES.todoapi, env }] });
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['[dev/test/api] pod.containers[0].env.MYSQL_PWD', '[dev/test/api] pod.containers[0].env.AUTH', '[dev/test/api] pod.containers[0].env.BEARER']);
  });

  test('EnvValue.nonSensitive declares a credential-like literal publishable', () => {
    const c = pod(render((chart) => {
      new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGES.todoapi, env: { TOKEN_TTL_SECONDS: EnvValue.nonSensitive('3600') } }] });
    }), 'api').spec.containers[0];
    expect(c.env).toEqual([{ name: 'TOKEN_TTL_SECONDS', value: '3600' }]);
  });

  test('no secret value appears in the output of the notes examples', () => {
    const objects = [todoapi, basicAuth, journalFrontend()].flatMap((d) => render(d, { environment: 'prod' }));
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(stringify(objects)).not.toMatch(/stringData|secretKeyRef:\s*\n\s*value/);
  });

  const volumes = (chart: AppChart) => {
    const config = new ConfigMap(chart, 'nginx-config', { data: { 'nginx.conf': 'events {}', 'mime.types': 'types {}' } });
    const tls = new ExistingSecret(chart, 'tls', { name: 'web-tls', keys: ['tls.crt', 'tls.key'], createdBy: 'cert-manager' });
    new Deployment(chart, 'web', {
      containers: [{
        name: 'web',
        image: IMAGES.nginx,
        envFrom: [{ kind: 'ConfigMap', name: config.name, prefix: 'CFG_' }, { kind: 'Secret', name: tls.name }],
        mounts: [
          { volume: Volume.fromConfigMap('conf', config.name, { items: [{ key: 'nginx.conf', path: 'nginx.conf' }] }), path: '/etc/nginx/conf.d' },
          { volume: tls.volume('tls', { items: [{ key: 'tls.key', path: 'server.key', mode: 0o400 }, { key: 'tls.crt', path: 'server.crt', mode: 0o444 }] }), path: '/etc/tls' },
        ],
      }],
    });
  };

  test('envFrom, selected keys and file modes; ConfigMap and Secret volumes are mounted read-only', () => {
    const spec = pod(render(volumes), 'web').spec;
    expect(spec.containers[0].envFrom).toEqual([{ prefix: 'CFG_', configMapRef: { name: 'nginx-config' } }, { secretRef: { name: 'web-tls' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'conf', mountPath: '/etc/nginx/conf.d', readOnly: true },
      { name: 'tls', mountPath: '/etc/tls', readOnly: true },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'conf', configMap: { name: 'nginx-config', items: [{ key: 'nginx.conf', path: 'nginx.conf' }], defaultMode: 0o444 } },
      { name: 'tls', secret: { secretName: 'web-tls', items: [{ key: 'tls.key', path: 'server.key', mode: 0o400 }, { key: 'tls.crt', path: 'server.crt', mode: 0o444 }], defaultMode: 0o400 } },
    ]);
  });

  test('snapshot', () => expectSnapshot(volumes));

  test('refused: a projected key the ConfigMap lacks', () => {
    const problems = problemsOf((chart) => {
      const config = new ConfigMap(chart, 'nginx-config', { data: { 'nginx.conf': 'events {}' } });
      new Deployment(chart, 'web', {
        containers: [{ name: 'web', image: IMAGES.nginx, mounts: [{ volume: Volume.fromConfigMap('conf', config.name, { items: [{ key: 'default.conf', path: 'default.conf' }] }), path: '/etc/nginx/conf.d' }] }],
      });
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/web\] pod\.volumes\.conf\.items\[0\]\.key: is not a key of ConfigMap nginx-config \(its keys: nginx\.conf\) \(got "default\.conf"\)/)]);
  });

  test.each([
    ['a file mode above 0o777', { defaultMode: 0o1000 }, /pod\.volumes\.v\.defaultMode: must be a file mode between 0 and 0o777 \(got 512\)/],
    ['an item mode that is not whole', { items: [{ key: 'k', path: 'k', mode: 1.5 }] }, /pod\.volumes\.v\.items\[0\]\.mode: must be a file mode between 0 and 0o777 \(got 1\.5\)/],
    ['an absolute item path', { items: [{ key: 'k', path: '/etc/k' }] }, /pod\.volumes\.v\.items\[0\]\.path: must be a relative path without "\.\." \(got "\/etc\/k"\)/],
    ['an item path escaping the mount', { items: [{ key: 'k', path: '../k' }] }, /pod\.volumes\.v\.items\[0\]\.path: must be a relative path without "\.\." \(got "\.\.\/k"\)/],
  ])('refused: %s', (_, options, message) => {
    const problems = problemsOf((chart) => {
      new Deployment(chart, 'web', { containers: [{ name: 'web', image: IMAGES.nginx, mounts: [{ volume: Volume.fromSecret('v', 'outside', options), path: '/v' }] }] });
    });
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  test('refused: two items with one file name', () => {
    const problems = problemsOf((chart) => {
      new Deployment(chart, 'web', {
        containers: [{ name: 'web', image: IMAGES.nginx, mounts: [{ volume: Volume.fromSecret('v', 'outside', { items: [{ key: 'a', path: 'x' }, { key: 'b', path: 'x' }] }), path: '/v' }] }],
      });
    });
    expect(problems).toEqual([expect.stringMatching(/pod\.volumes\.v\.items\[1\]\.path: is the file name of another item \(got "x"\)/)]);
  });

  test('refused: an ExistingSecret that the stack also makes', () => {
    expect(problemsOf((chart) => {
      new ExternalSecret(chart, 'tls-source', { name: 'web-tls', store: { name: 'vault' }, data: { 'tls.crt': { key: 'web/tls' } } });
      new ExistingSecret(chart, 'tls', { name: 'web-tls', keys: ['tls.crt'], createdBy: 'cert-manager' });
    })).toEqual([expect.stringMatching(/^\[dev\/test\/tls\] name: is also a Secret the stack makes \(test\/tls-source\), so it does not exist outside the stack \(got "web-tls"\)/)]);
  });

  test('refused: an ExistingSecret without keys', () => {
    expect(problemsOf((chart) => new ExistingSecret(chart, 'tls', { name: 'web-tls', keys: [], createdBy: 'cert-manager' }))).toEqual([
      expect.stringMatching(/^\[dev\/test\/tls\] keys: declares no keys \(got \[\]\)/),
    ]);
  });

  test('refused: ExternalSecret without keys, with a bad key, an empty remote key and a bad refresh interval', () => {
    const problems = problemsOf((chart) => {
      new ExternalSecret(chart, 'empty', { store: { name: 'vault' }, data: {} });
      new ExternalSecret(chart, 'bad', { store: { name: 'vault' }, data: { 'a key': { key: '' } }, refreshInterval: 'hourly' });
    });
    expect(problems.map((p) => p.replace(/ \(got.*$/, ''))).toEqual([
      '[dev/test/empty] data: maps no keys',
      '[dev/test/bad] data.a key: is not a valid Secret key',
      '[dev/test/bad] data.a key.key: is empty',
      '[dev/test/bad] refreshInterval: is not a Go duration',
    ]);
  });

  test('refused: an invalid Secret key', () => {
    expect(problemsOf((chart) => new Secret(chart, 'ca', { data: { 'ca crt': SecretValue.nonSensitive('x') } }))).toEqual([
      expect.stringMatching(/^\[dev\/test\/ca\] data\.ca crt: is not a valid Secret key \(got "ca crt"\)/),
    ]);
  });
});
