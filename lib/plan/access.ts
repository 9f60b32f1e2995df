import { objectKey } from './identity';

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** Whether a kind's changes are access changes. */
export function isRbac(object: any): boolean {
  return RBAC_KINDS.has(object?.kind) && String(object?.apiVersion ?? '').startsWith('rbac.authorization.k8s.io/');
}

/**
 * The effective permissions of one environment: every (subject, verb, resource, scope) its
 * bindings grant, each with the keys of the role and binding that grant it. A role bound by
 * nothing in the environment is listed for "whoever is bound to it", since a binding may live
 * elsewhere.
 */
export class Permissions {
  /** Permission statement → keys ({@link objectKey}) of the roles and bindings granting it. */
  private readonly grants = new Map<string, Set<string>>();

  constructor(objects: readonly any[]) {
    const roles = new Map<string, any>();
    for (const o of objects) {
      if (isRbac(o) && (o.kind === 'Role' || o.kind === 'ClusterRole')) roles.set(roleRefKey(o.kind, o.metadata?.namespace, o.metadata?.name), o);
    }
    const bound = new Set<string>();
    for (const b of objects) {
      if (!isRbac(b) || (b.kind !== 'RoleBinding' && b.kind !== 'ClusterRoleBinding')) continue;
      const namespace = b.kind === 'RoleBinding' ? b.metadata?.namespace : undefined;
      const scope = namespace ? `in namespace ${namespace}` : 'cluster-wide';
      const ref = b.roleRef ?? {};
      const refKey = roleRefKey(ref.kind, ref.kind === 'Role' ? namespace : undefined, ref.name);
      const role = roles.get(refKey);
      bound.add(refKey);
      for (const subject of b.subjects ?? []) {
        const who = subjectText(subject, namespace);
        const sources = [objectKey(b), ...(role ? [objectKey(role)] : [])];
        if (!role) {
          this.add(`${who} gets ${ref.kind} ${ref.name} ${scope} (not rendered here: its rules are not expanded)`, sources);
          continue;
        }
        for (const rule of ruleStatements(role)) this.add(`${who} may ${rule} ${scope}`, sources);
      }
    }
    for (const [key, role] of roles) {
      if (bound.has(key)) continue;
      const scope = role.metadata?.namespace ? `in namespace ${role.metadata.namespace}` : 'wherever it is bound';
      for (const rule of ruleStatements(role)) this.add(`whoever is bound to ${role.kind} ${role.metadata?.name} may ${rule} ${scope}`, [objectKey(role)]);
    }
  }

  /** Statements granted through the object with this key. */
  public through(key: string): Set<string> {
    const out = new Set<string>();
    for (const [statement, sources] of this.grants) if (sources.has(key)) out.add(statement);
    return out;
  }

  /** Whether the statement is granted at all. */
  public has(statement: string): boolean {
    return this.grants.has(statement);
  }

  private add(statement: string, sources: string[]): void {
    const set = this.grants.get(statement) ?? new Set<string>();
    for (const s of sources) set.add(s);
    this.grants.set(statement, set);
  }
}

/**
 * Permissions gained and lost through one RBAC object between two environments' permissions:
 * a statement is gained when the head grants it through the object and the base granted it
 * through nothing, so a right already held another way is not reported.
 */
export function accessChange(key: string, before: Permissions, after: Permissions): { gained: string[]; lost: string[] } {
  return {
    gained: [...after.through(key)].filter((s) => !before.has(s)).sort(),
    lost: [...before.through(key)].filter((s) => !after.has(s)).sort(),
  };
}

/** `get pods`, `* deployments.apps (names a, b)`, `get /healthz`: one per verb and resource. */
function ruleStatements(role: any): string[] {
  const out: string[] = [];
  for (const rule of role.rules ?? []) {
    const verbs: string[] = (rule.verbs ?? []).map((v: string) => (v === '*' ? '* (every verb, escalate, bind and impersonate included)' : v));
    for (const url of rule.nonResourceURLs ?? []) for (const verb of verbs) out.push(`${verb} ${url}`);
    const names = (rule.resourceNames ?? []).length ? ` (names ${rule.resourceNames.join(', ')})` : '';
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const what = `${resource === '*' ? 'every resource' : resource}${group === '' ? '' : group === '*' ? ' (every API group)' : `.${group}`}`;
        for (const verb of verbs) out.push(`${verb} ${what}${names}`);
      }
    }
  }
  return out;
}

function subjectText(s: any, bindingNamespace: string | undefined): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount ${s.namespace ?? bindingNamespace}/${s.name}`;
  return `${s.kind} ${s.name}`;
}

function roleRefKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${kind === 'Role' ? namespace ?? '' : ''}/${name}`;
}
