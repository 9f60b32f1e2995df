const SUFFIXES: Record<string, number> = {
  'n': 1e-9, 'u': 1e-6, 'm': 1e-3, '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/**
 * The value of a Kubernetes quantity in base units (cores, bytes, count): `250m` → 0.25,
 * `1Gi` → 1073741824. `undefined` when the string is not a quantity.
 */
export function parseQuantity(value: string | number | undefined): number | undefined {
  if (typeof value === 'number') return value;
  const m = typeof value === 'string' ? QUANTITY.exec(value.trim()) : null;
  if (!m) return undefined;
  return m[2] ? Number(`${m[1]}${m[2]}`) : Number(m[1]) * SUFFIXES[m[3] ?? ''];
}

/** A CPU amount in cores as a quantity: `2`, `2500m`. */
export function formatCpu(cores: number): string {
  const millis = Math.round(cores * 1000);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** A byte amount as a binary quantity: `512Mi`, `2Gi`. */
export function formatBytes(bytes: number): string {
  const mi = Math.ceil(bytes / 2 ** 20);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}
