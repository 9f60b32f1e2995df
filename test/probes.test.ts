import { AppChart, Deployment, HealthCheck, Probe, ProbePresets } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';

const IMAGE = 'registry.example.com/shop/api:1.2.3';

function withProbes(probes: { readiness?: Probe; liveness?: Probe; startup?: Probe }) {
  return (chart: AppChart) => {
    new Deployment(chart, 'api', {
      containers: [{ name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }, { number: 9000, name: 'grpc' }], ...probes }],
    });
  };
}

function container(objects: any[]): any {
  return find(objects, 'Deployment', 'api').spec.template.spec.containers[0];
}

describe('presets', () => {
  test('readiness and liveness carry the timings of the notes (goproxy: 5 s / 10 s and 15 s / 20 s)', () => {
    const c = container(render(withProbes({
      readiness: ProbePresets.readiness(HealthCheck.tcpSocket(8080)),
      liveness: ProbePresets.liveness(HealthCheck.tcpSocket(8080)),
    })));
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 8080 }, initialDelaySeconds: 5, periodSeconds: 10 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 8080 }, initialDelaySeconds: 15, periodSeconds: 20 });
  });

  test('TCP by port name', () => expectSnapshot(withProbes({
    readiness: ProbePresets.readiness(HealthCheck.tcpSocket('http')),
    liveness: ProbePresets.liveness(HealthCheck.tcpSocket('http')),
  })));

  test('HTTP', () => expectSnapshot(withProbes({
    readiness: ProbePresets.readiness(HealthCheck.httpGet('/ready', 'http')),
    liveness: ProbePresets.liveness(HealthCheck.httpGet('/healthz', 'http')),
  })));

  test('gRPC', () => expectSnapshot(withProbes({
    readiness: ProbePresets.readiness(HealthCheck.grpc(9000)),
    liveness: ProbePresets.liveness(HealthCheck.grpc(9000, 'liveness')),
  })));

  test('exec (the notes: cat /tmp/healthy)', () => expectSnapshot(withProbes({
    readiness: ProbePresets.readiness(HealthCheck.command(['cat', '/tmp/ready'])),
    liveness: ProbePresets.liveness(HealthCheck.command(['cat', '/tmp/healthy'])),
  })));

  test('overrides replace single timings', () => {
    const probe = ProbePresets.liveness(HealthCheck.httpGet('/healthz', 8080), { failureThreshold: 5 });
    expect(probe.timing).toEqual({ initialDelaySeconds: 15, periodSeconds: 20, failureThreshold: 5 });
  });

  test('slow start: failureThreshold × period covers the declared worst-case start', () => {
    const probe = ProbePresets.slowStart(HealthCheck.httpGet('/healthz', 'http'), { worstCaseStartSeconds: 180 });
    expect(container(render(withProbes({ startup: probe, readiness: ProbePresets.readiness(HealthCheck.httpGet('/ready', 'http')) }))).startupProbe).toEqual({ httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, failureThreshold: 36 });
    expect(ProbePresets.slowStart(HealthCheck.tcpSocket(8080), { worstCaseStartSeconds: 100, periodSeconds: 15 }).timing.failureThreshold).toBe(7);
    expect(probe.failureBudgetSeconds).toBeGreaterThanOrEqual(180);
  });

  test('slow start snapshot (startup + readiness + liveness)', () => expectSnapshot(withProbes({
    startup: ProbePresets.slowStart(HealthCheck.httpGet('/healthz', 'http'), { worstCaseStartSeconds: 120 }),
    readiness: ProbePresets.readiness(HealthCheck.httpGet('/ready', 'http')),
    liveness: ProbePresets.liveness(HealthCheck.httpGet('/healthz', 'http')),
  })));

  test('no probe is added silently', () => {
    // No ports: a serving container without readiness is refused (PLT070) by the synth.
    const c = container(render((chart) => new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE }] })));
    expect(c.readinessProbe).toBeUndefined();
    expect(c.livenessProbe).toBeUndefined();
    expect(c.startupProbe).toBeUndefined();
  });
});

describe('refusals', () => {
  test('liveness identical to readiness', () => {
    const same = ProbePresets.readiness(HealthCheck.httpGet('/healthz', 'http'));
    expect(problemsOf(withProbes({ readiness: same, liveness: same }))).toEqual([
      expect.stringMatching(/^\[dev\/test\/api\] PLT074 pod\.containers\[0\]\.liveness: is identical to the readiness probe.*\(got \{"kind":"http","path":"\/healthz","port":"http"\}\)\. Fix: /),
    ]);
  });

  test.each(['liveness', 'startup'] as const)('successThreshold other than 1 on %s', (role) => {
    const probe = Probe.fromHttpGet('/healthz', 'http', { successThreshold: 2, periodSeconds: 30 });
    expect(problemsOf(withProbes({ [role]: probe }))).toEqual([
      expect.stringMatching(new RegExp(`^\\[dev/test/api\\] pod\\.containers\\[0\\]\\.${role}\\.successThreshold: must be 1 for ${role} probes \\(got 2\\)\\. Fix: `)),
    ]);
  });

  test('successThreshold above 1 is fine on readiness', () => {
    expect(() => render(withProbes({ readiness: Probe.fromHttpGet('/ready', 'http', { successThreshold: 2 }) }))).not.toThrow();
  });

  test('timeout >= period', () => {
    expect(problemsOf(withProbes({ readiness: ProbePresets.readiness(HealthCheck.tcpSocket('http'), { timeoutSeconds: 10 }) }))).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.readiness\.timeoutSeconds: must be below periodSeconds \(10\), or checks overlap \(got 10\)\. Fix: /),
    ]);
  });

  test('probe port not exposed, by number', () => {
    expect(problemsOf(withProbes({ readiness: ProbePresets.readiness(HealthCheck.tcpSocket(8081)) }))).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.readiness\.port: is not a port of container api \(got 8081\)\. Fix: probe one of its ports \(http, grpc\)/),
    ]);
  });

  test('probe port not exposed, by name', () => {
    expect(problemsOf(withProbes({ liveness: ProbePresets.liveness(HealthCheck.httpGet('/healthz', 'admin')) }))).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.liveness\.port: is not a port of container api \(got "admin"\)/),
    ]);
  });

  test('gRPC port not exposed', () => {
    expect(problemsOf(withProbes({ readiness: ProbePresets.readiness(HealthCheck.grpc(9001)) }))).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.readiness\.port: is not a port of container api \(got 9001\)/),
    ]);
  });

  test('a startup probe whose budget is shorter than the declared worst-case start', () => {
    const tooShort = ProbePresets.slowStart(HealthCheck.httpGet('/healthz', 'http'), { worstCaseStartSeconds: 120 }).withTiming({ failureThreshold: 3 });
    expect(problemsOf(withProbes({ startup: tooShort }))).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.startup\.failureThreshold: gives the container 15 s .* but it may take 120 s to start.*\(got 3\)\. Fix: raise failureThreshold to at least 24/),
    ]);
  });

  test('a non-positive worst-case start', () => {
    expect(problemsOf(withProbes({ startup: ProbePresets.slowStart(HealthCheck.tcpSocket('http'), { worstCaseStartSeconds: 0 }) }))).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.startup\.worstCaseStartSeconds: must be a positive number of seconds \(got 0\)/),
    ]);
  });

  test('bad timings, empty command and a relative HTTP path are all reported together', () => {
    const problems = problemsOf(withProbes({
      readiness: Probe.fromCommand([], { periodSeconds: 0 }),
      liveness: Probe.fromHttpGet('healthz', 'http', { initialDelaySeconds: -1, failureThreshold: 1.5, periodSeconds: 20 }),
    }));
    expect(problems.map((p) => p.replace(/ \(got.*$/, ''))).toEqual([
      '[dev/test/api] pod.containers[0].readiness.periodSeconds: must be a whole number >= 1',
      '[dev/test/api] pod.containers[0].readiness.timeoutSeconds: must be below periodSeconds (0), or checks overlap',
      '[dev/test/api] pod.containers[0].readiness.command: is empty',
      '[dev/test/api] pod.containers[0].liveness.initialDelaySeconds: must be a whole number >= 0',
      '[dev/test/api] pod.containers[0].liveness.failureThreshold: must be a whole number >= 1',
      '[dev/test/api] pod.containers[0].liveness.path: must start with /',
    ]);
  });
});
