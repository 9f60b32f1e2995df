/**
 * What an object lets in, as a set of readable statements ("allowances"): comparing the sets of
 * the base and the head says what a change widened (statements gained) and narrowed (lost).
 * An absent object has none.
 */
export function allowancesOf(object: any): string[] {
  if (!object) return [];
  switch (object.kind) {
    case 'Ingress': return ingressRoutes(object);
    case 'Service': return serviceExposure(object);
    case 'NetworkPolicy': return networkPolicyAllowances(object);
    default: return [];
  }
}

/** Whether a kind has allowances, i.e. its changes are exposure changes. */
export function hasExposure(kind: string): boolean {
  return kind === 'Ingress' || kind === 'Service' || kind === 'NetworkPolicy';
}

/**
 * Widened and narrowed statements between two objects (either may be absent): an allowance gained
 * or an isolation lost widens, an allowance lost or an isolation gained narrows.
 */
export function exposureChange(before: any, after: any): { widened: string[]; narrowed: string[] } {
  const a = new Set(allowancesOf(before));
  const b = new Set(allowancesOf(after));
  const gained = [...b].filter((x) => !a.has(x));
  const lost = [...a].filter((x) => !b.has(x));
  const isolation = (s: string) => s.endsWith(ISOLATED);
  const strip = (s: string) => s.slice(0, -ISOLATED.length);
  return {
    widened: [...gained.filter((s) => !isolation(s)), ...lost.filter(isolation).map((s) => `${strip(s)} no longer isolated by this policy`)],
    narrowed: [...lost.filter((s) => !isolation(s)), ...gained.filter(isolation).map((s) => `${strip(s)} isolated: only what policies allow`)],
  };
}

const ISOLATED = ' isolated (only what policies allow)';

function ingressRoutes(o: any): string[] {
  const spec = o.spec ?? {};
  const tls = new Set<string>((spec.tls ?? []).flatMap((t: any) => t.hosts ?? []));
  const cls = spec.ingressClassName ? ` (class ${spec.ingressClassName})` : '';
  const backend = (b: any) => (b?.service ? `service ${b.service.name}:${b.service.port?.number ?? b.service.port?.name}` : b?.resource ? `${b.resource.kind} ${b.resource.name}` : 'no backend');
  const out: string[] = [];
  if (spec.defaultBackend) out.push(`any host, any path → ${backend(spec.defaultBackend)}${cls}`);
  for (const rule of spec.rules ?? []) {
    const host = rule.host ?? '*';
    const scheme = rule.host && tls.has(rule.host) ? 'https' : 'http';
    for (const p of rule.http?.paths ?? []) {
      out.push(`${scheme}://${host}${p.path ?? '/'} (${p.pathType ?? 'ImplementationSpecific'}) → ${backend(p.backend)}${cls}`);
    }
  }
  return out;
}

function serviceExposure(o: any): string[] {
  const spec = o.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ClusterIP' && !(spec.externalIPs ?? []).length) return [];
  const ports = (spec.ports ?? []).map((p: any) => `${p.protocol ?? 'TCP'}/${p.port}${type !== 'ExternalName' && p.nodePort ? ` (node port ${p.nodePort})` : ''}`);
  const out: string[] = [];
  if (type === 'ExternalName') out.push(`type ExternalName → ${spec.externalName}`);
  if (type === 'NodePort' || type === 'LoadBalancer') {
    out.push(`type ${type}: reachable from outside the cluster${type === 'NodePort' ? ' on every node' : ''}`);
    for (const port of ports) out.push(`${type} port ${port}`);
    for (const range of spec.loadBalancerSourceRanges ?? []) out.push(`${type} restricted to ${range}`);
  }
  for (const ip of spec.externalIPs ?? []) out.push(`external IP ${ip}`);
  return out;
}

/**
 * One statement per (direction, peer, port) a policy allows, plus the isolation it imposes on the
 * pods it selects: adding a rule widens, a deny-only policy narrows, and deleting it widens.
 */
function networkPolicyAllowances(o: any): string[] {
  const spec = o.spec ?? {};
  const pods = `pods ${selector(spec.podSelector)}`;
  const types: string[] = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  const out: string[] = [];
  for (const type of types) {
    const ingress = type === 'Ingress';
    // Isolation is a narrowing: listed so that removing a deny-only policy shows as a widening.
    out.push(`${ingress ? 'ingress to' : 'egress from'} ${pods}${ISOLATED}`);
    for (const rule of (ingress ? spec.ingress : spec.egress) ?? []) {
      const peers: any[] = (ingress ? rule.from : rule.to) ?? [];
      const ports: any[] = rule.ports ?? [];
      for (const peer of peers.length ? peers : [undefined]) {
        for (const port of ports.length ? ports : [undefined]) {
          out.push(`${ingress ? 'ingress to' : 'egress from'} ${pods} ${ingress ? 'from' : 'to'} ${peerText(peer)} on ${portText(port)}`);
        }
      }
    }
  }
  return out;
}

function peerText(peer: any): string {
  if (!peer) return 'anywhere';
  if (peer.ipBlock) return `${peer.ipBlock.cidr}${(peer.ipBlock.except ?? []).length ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
  const ns = peer.namespaceSelector ? `namespaces ${selector(peer.namespaceSelector)}` : 'this namespace';
  return peer.podSelector ? `pods ${selector(peer.podSelector)} in ${ns}` : `every pod in ${ns}`;
}

function portText(port: any): string {
  if (!port) return 'any port';
  if (port.port === undefined) return `any ${port.protocol ?? 'TCP'} port`;
  return `${port.protocol ?? 'TCP'}/${port.port}${port.endPort ? `-${port.endPort}` : ''}`;
}

/** `{a=b, c in (d,e)}`; an empty selector is `{all}`. */
export function selector(s: any): string {
  const parts = [
    ...Object.entries(s?.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`),
    ...(s?.matchExpressions ?? []).map((e: any) => `${e.key} ${e.operator}${e.values ? ` (${e.values.join(',')})` : ''}`),
  ];
  return parts.length ? `{${parts.join(', ')}}` : '{all}';
}
