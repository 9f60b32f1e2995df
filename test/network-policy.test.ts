import { AppChart, Deployment, Probe, NetworkIsolation, NetworkPeer, NetworkPolicy, Platform, PolicyEngine, SynthError } from '../lib';
import { ENV, expectSnapshot, find, problemsOf, render } from './support/harness';

/** frontend → api → database, the frontend reached through the ingress controller, the api calling a payment provider. */
function threeTier(chart: AppChart): void {
  const deployment = (name: string, port: number) => new Deployment(chart, name, {
    containers: [{ name, image: 'nginx:1.25.3', ports: [{ number: port, name: 'serve' }], readiness: Probe.fromTcpSocket('serve') }],
  });
  const frontend = deployment('frontend', 8080);
  const api = deployment('api', 9000);
  const database = deployment('database', 5432);
  const net = new NetworkIsolation(chart, 'network');
  net.allowFromIngressController(frontend, [8080]);
  net.allow(frontend, api, [9000]);
  net.allow(api, database, ['serve']);
  net.allowEgress(api, NetworkPeer.cidr('payments', '203.0.113.0/24'), [443]);
}

function checkedProblems(define: (chart: AppChart) => void): string[] {
  try {
    new Platform({ environments: [ENV.dev], stacks: [{ name: 'test', define }], checks: [new PolicyEngine()] }).render();
  } catch (e) {
    if (e instanceof SynthError) return e.problems;
    throw e;
  }
  return [];
}

describe('NetworkIsolation', () => {
  test('snapshot: default deny, DNS, ingress controller, frontend → api → database, external CIDR', () => expectSnapshot(threeTier));

  test('the policies select by workload selectors and ports', () => {
    const objects = render(threeTier);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual([
      'default-deny', 'allow-dns', 'frontend-from-ingress-controller', 'api-from-frontend', 'frontend-to-api', 'database-from-api', 'api-to-database', 'api-to-payments',
    ]);
    expect(find(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(find(objects, 'NetworkPolicy', 'allow-dns').spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    }]);
    const apiIn = find(objects, 'NetworkPolicy', 'api-from-frontend').spec;
    expect(apiIn).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'api-dev', 'app.kubernetes.io/name': 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'frontend-dev', 'app.kubernetes.io/name': 'frontend' } } }], ports: [{ port: 9000, protocol: 'TCP' }] }],
    });
    expect(find(objects, 'NetworkPolicy', 'api-to-payments').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
    expect(checkedProblems(threeTier)).toEqual([]);
  });

  test('an app chart adds allowances without a second baseline', () => {
    const objects = render((chart) => {
      const web = new Deployment(chart, 'web', { containers: [{ name: 'web', image: 'nginx:1.25.3', ports: [{ number: 8080 }], readiness: Probe.fromTcpSocket(8080) }] });
      new NetworkIsolation(chart, 'network', { baseline: false, ingressController: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } } })
        .allowFromIngressController(web, [8080]);
    });
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o.spec.ingress[0].from[0].namespaceSelector.matchLabels])).toEqual([
      ['web-from-ingress-controller', { 'kubernetes.io/metadata.name': 'traefik' }],
    ]);
  });
});

describe('NetworkPolicy refusals', () => {
  test('a policy whose selector matches no pod is refused (the policy engine\'s PLT031)', () => {
    const problems = checkedProblems((chart) => {
      new Deployment(chart, 'web', { containers: [{ name: 'web', image: 'nginx:1.25.3' }] });
      new NetworkPolicy(chart, 'typo', { selector: { 'app.kubernetes.io/name': 'wbe' }, ingress: [{ peers: [NetworkPeer.pods({ 'app.kubernetes.io/name': 'web' })] }] });
      new NetworkPolicy(chart, 'peer-typo', { ingress: [{ peers: [NetworkPeer.pods({ tier: 'frontend' })] }] });
    });
    expect(problems).toEqual([
      expect.stringContaining('[dev/test/typo/Resource] PLT031 spec.podSelector: (app.kubernetes.io/name=wbe) matches no pod template in namespace "dev"'),
      expect.stringContaining('[dev/test/peer-typo/Resource] PLT031 spec.ingress[0].from[0].podSelector: (tier=frontend) matches no pod template in namespace "dev"'),
    ]);
  });

  test('an allowance to a port the workload does not expose is refused', () => {
    expect(problemsOf((chart) => {
      const a = new Deployment(chart, 'a', { containers: [{ name: 'a', image: 'nginx:1.25.3', ports: [{ number: 80 }] }] });
      const b = new Deployment(chart, 'b', { containers: [{ name: 'b', image: 'nginx:1.25.3', ports: [{ number: 80 }] }] });
      const net = new NetworkIsolation(chart, 'net');
      net.allow(a, b, [8080]);
      net.allowFromIngressController(b, []);
    })).toEqual([
      '[dev/test/net] b-from-a.ports[0]: is not a port of any container of b (got 8080). Fix: allow a declared container port (number or name), or declare the port on the container',
      '[dev/test/net] b-from-ingress-controller.ports: an allowance without ports opens every port (got []). Fix: list the ports the connection uses',
    ]);
  });

  test('bad CIDRs, names, ports and empty peer lists are refused', () => {
    expect(problemsOf((chart) => {
      new NetworkPolicy(chart, 'p', {
        egress: [
          { peers: [NetworkPeer.cidr('Payments API', '203.0.113.0/33', ['10.0.0.1'])], ports: [{ port: 70000 }] },
          { peers: [] },
        ],
      });
      new NetworkPolicy(chart, 'nothing', {});
    }).map((p) => p.split(' (got')[0])).toEqual([
      '[dev/test/p] egress[0].peers[0].name: must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending alphanumeric, at most 63 characters)',
      '[dev/test/p] egress[0].peers[0].cidr: is not a CIDR',
      '[dev/test/p] egress[0].peers[0].except[0]: is not a CIDR',
      '[dev/test/p] egress[0].ports[0].port: is neither a port number (1-65535) nor a port name',
      '[dev/test/p] egress[1].peers: an empty peer list allows everyone',
      '[dev/test/nothing] policyTypes: a policy without rules or types does nothing',
    ]);
  });
});
