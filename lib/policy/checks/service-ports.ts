import { Problem } from '../../core/problem';

/**
 * Problems of a Service's ports as rendered (`name`, `port`, `protocol`): every port of a
 * multi-port Service needs a name, and names and port/protocol pairs must be unique (the API
 * server refuses the Service otherwise). The same code runs in the library's Service and in the
 * policy engine (PLT014).
 */
export function servicePortProblems(ports: readonly { name?: unknown; port?: unknown; protocol?: unknown }[]): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<unknown>();
  const numbers = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && (p?.name === undefined || p.name === '')) {
      problems.push({ field: `ports[${i}].name`, value: undefined, message: 'is required when a Service has several ports', fix: 'name the port, e.g. "http"' });
    }
    if (p?.name !== undefined && names.has(p.name)) {
      problems.push({ field: `ports[${i}].name`, value: p.name, message: 'is the name of another port of the Service', fix: 'give each port its own name' });
    }
    names.add(p?.name);
    const key = `${p?.port}/${p?.protocol ?? 'TCP'}`;
    if (numbers.has(key)) {
      problems.push({ field: `ports[${i}].port`, value: p?.port, message: `is another port ${key} of the Service`, fix: 'remove the duplicate, or give it its own port number' });
    }
    numbers.add(key);
  });
  return problems;
}
