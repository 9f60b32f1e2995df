import { Problem } from './problem';

/** An object of one app, as the same-name check sees it. */
export interface NamedObject {
  /** Its kind, e.g. `ConfigMap`. */
  readonly kind: string;
  /** Its `metadata.name`. */
  readonly name?: string;
  /** Its construct path, for messages. */
  readonly path: string;
}

/**
 * Objects of one app that repeat the kind and name of an earlier one: they would be one object
 * in the cluster (and one file), the later silently replacing the earlier. Shared by AppChart
 * (over its objects) and Platform (over the rendered ones, after escape hatches).
 */
export function sameNameProblems(objects: readonly NamedObject[]): Problem[] {
  const first = new Map<string, string>();
  const problems: Problem[] = [];
  for (const o of objects) {
    const key = `${o.kind}/${o.name}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, o.path);
      continue;
    }
    problems.push({
      field: 'metadata.name',
      value: o.name,
      message: `is the name of two ${o.kind} objects of this app (${earlier} and ${o.path}); the later would replace the earlier`,
      fix: 'give each object its own name',
    });
  }
  return problems;
}
