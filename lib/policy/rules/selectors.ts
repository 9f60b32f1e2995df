import { budgetSettingsProblems } from '../checks/disruption-budget';
import { describeSelector, LabelSelector, list, matchesSelector, PolicyObject } from '../object-index';
import { describeObject, Rule, RuleContext, Severity, violation, Violation } from '../rule';

/** PLT030: a PodDisruptionBudget selects pods. */
export const pdbSelector = Rule.of({
  id: 'PLT030',
  name: 'pdb-selector-matches-pods',
  severity: Severity.ERROR,
  rationale: 'A PodDisruptionBudget that selects no pod protects nothing during node drains.',
  fix: 'Use the selector of the workload the budget protects.',
  examples: {
    failing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]

---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web, namespace: shop }
spec: { maxUnavailable: 1, selector: { matchLabels: { app: wbe } } }`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]

---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web, namespace: shop }
spec: { maxUnavailable: 1, selector: { matchLabels: { app: web } } }`,
  },
  check: (context) => context.index.ofKind('PodDisruptionBudget').flatMap((pdb) => unmatched(context, pdb, 'spec.selector', pdb.object.spec?.selector, false)),
});

/** PLT031: NetworkPolicy pod selectors select pods. */
export const networkPolicySelector = Rule.of({
  id: 'PLT031',
  name: 'network-policy-selector-matches-pods',
  severity: Severity.ERROR,
  rationale: 'A NetworkPolicy whose podSelector matches nothing leaves the intended pods unprotected, and a peer selector that matches nothing blocks the traffic it meant to allow.',
  fix: 'Select the stable labels of the pods meant (an empty selector means every pod of the namespace).',
  examples: {
    failing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]

---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec: { podSelector: { matchLabels: { app: wbe } }, policyTypes: [Ingress] }`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]

---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec: { podSelector: { matchLabels: { app: web } }, policyTypes: [Ingress] }`,
  },
  check: (context) => context.index.ofKind('NetworkPolicy').flatMap((np) => {
    const spec = np.object.spec ?? {};
    const result = unmatched(context, np, 'spec.podSelector', spec.podSelector, true);
    for (const direction of ['ingress', 'egress'] as const) {
      const peersKey = direction === 'ingress' ? 'from' : 'to';
      list(spec[direction]).forEach((rule: any, i: number) => list(rule?.[peersKey]).forEach((peer: any, j: number) => {
        if (peer?.podSelector && !peer.namespaceSelector) {
          result.push(...unmatched(context, np, `spec.${direction}[${i}].${peersKey}[${j}].podSelector`, peer.podSelector, true));
        }
      }));
    }
    return result;
  }),
});

/** PLT032: affinity, anti-affinity and topology spread selectors select pods. */
export const affinitySelector = Rule.of({
  id: 'PLT032',
  name: 'affinity-selector-matches-pods',
  severity: Severity.ERROR,
  rationale: 'An anti-affinity or spread constraint whose selector matches no pod spreads nothing; a required affinity to no pod keeps the pod Pending.',
  fix: 'Select the pods meant, usually the workload\'s own stable labels.',
  examples: {
    failing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app: wbe } } }] } }
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app: web } } }] } }
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
`,
  },
  check: (context) => context.index.pods.flatMap((pod) => {
    const prefix = pod.field ? `${pod.field}.spec` : 'spec';
    const result: Violation[] = [];
    const affinity = pod.spec.affinity ?? {};
    for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
      const a = affinity[kind] ?? {};
      list(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((term: any, i: number) => {
        if (sameNamespace(term, pod.owner)) result.push(...unmatched(context, pod.owner, `${prefix}.affinity.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}].labelSelector`, term?.labelSelector, false));
      });
      list(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((w: any, i: number) => {
        const term = w?.podAffinityTerm;
        if (sameNamespace(term, pod.owner)) result.push(...unmatched(context, pod.owner, `${prefix}.affinity.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm.labelSelector`, term?.labelSelector, false));
      });
    }
    list(pod.spec.topologySpreadConstraints).forEach((t: any, i: number) => {
      result.push(...unmatched(context, pod.owner, `${prefix}.topologySpreadConstraints[${i}].labelSelector`, t?.labelSelector, false));
    });
    return result;
  }),
});

function sameNamespace(term: any, owner: PolicyObject): boolean {
  return term !== undefined && !term.namespaceSelector && (term.namespaces ?? [owner.namespace]).every((n: string) => n === owner.namespace);
}

/** A violation when `selector` matches no pod template of the object's namespace (an empty selector only if `emptyMatchesAll`). */
function unmatched({ index }: RuleContext, object: PolicyObject, field: string, selector: LabelSelector | undefined, emptyMatchesAll: boolean): Violation[] {
  const empty = !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
  if (empty && emptyMatchesAll) return [];
  if (empty) {
    return [violation(object, { field, value: selector, message: 'is empty', fix: 'select the pods meant by their stable labels' })];
  }
  return index.podsSelectedBy(object.namespace, selector!).length ? [] : [violation(object, {
    field,
    value: selector,
    message: `(${describeSelector(selector!)}) matches no pod template in namespace "${object.namespace}"`,
    fix: 'select the stable labels (app.kubernetes.io/name, app.kubernetes.io/instance) of a workload of the stack',
  })];
}

/** Kinds whose `spec.selector` must select their own pod template. */
const CONTROLLER_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];
const controllers = ({ index }: RuleContext) => CONTROLLER_KINDS.flatMap((k) => index.ofKind(k)).filter((o) => o.object.spec?.template);

/** PLT033: a workload's selector selects its own pod template. */
export const workloadSelector = Rule.of({
  id: 'PLT033',
  name: 'workload-selector-matches-template',
  severity: Severity.ERROR,
  rationale: 'The API server refuses a Deployment, StatefulSet, DaemonSet or ReplicaSet whose spec.selector does not match spec.template.metadata.labels (or is missing).',
  fix: 'Put the selector\'s labels on spec.template.metadata.labels, or select the template\'s labels.',
  examples: {
    failing: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: frontend } }\n    spec: { containers: [{ name: web, image: "nginx:1.25" }] }',
    passing: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec: { containers: [{ name: web, image: "nginx:1.25" }] }',
  },
  check: (context) => controllers(context).flatMap((o) => {
    const selector = o.object.spec.selector;
    const labels = o.object.spec.template.metadata?.labels ?? {};
    const empty = !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
    if (empty) return [violation(o, { field: 'spec.selector', value: selector, message: 'is missing or empty', fix: `select the template's labels, e.g. matchLabels: ${JSON.stringify(labels)}` })];
    return matchesSelector(selector, labels) ? [] : [violation(o, {
      field: 'spec.selector',
      value: selector,
      message: `(${describeSelector(selector)}) does not match the template labels ${JSON.stringify(labels)}`,
      fix: 'make spec.template.metadata.labels carry every label of spec.selector.matchLabels',
    })];
  }),
});

/** PLT034: no two workloads select the same pods. */
export const workloadSelectorsOverlap = Rule.of({
  id: 'PLT034',
  name: 'workload-selectors-overlap',
  severity: Severity.ERROR,
  rationale: 'Two controllers whose selectors match each other\'s pods fight over them: ReplicaSets adopt and delete the other\'s pods, rollouts never settle.',
  fix: 'Give each workload a distinct label in its selector and template (app.kubernetes.io/name and instance).',
  examples: {
    failing: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { matchLabels: { tier: front } }\n  template: { metadata: { labels: { tier: front, app: web } }, spec: { containers: [{ name: web, image: "nginx:1.25" }] } }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web-canary, namespace: shop }\nspec:\n  selector: { matchLabels: { tier: front, app: web } }\n  template: { metadata: { labels: { tier: front, app: web } }, spec: { containers: [{ name: web, image: "nginx:1.26" }] } }',
    passing: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { matchLabels: { tier: front, app: web } }\n  template: { metadata: { labels: { tier: front, app: web } }, spec: { containers: [{ name: web, image: "nginx:1.25" }] } }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web-canary, namespace: shop }\nspec:\n  selector: { matchLabels: { tier: front, app: web-canary } }\n  template: { metadata: { labels: { tier: front, app: web-canary } }, spec: { containers: [{ name: web, image: "nginx:1.26" }] } }',
  },
  check: (context) => controllers(context).flatMap((o) => {
    const selector = o.object.spec.selector;
    if (!selector?.matchLabels && !selector?.matchExpressions) return [];
    const ownLabels = o.object.spec.template.metadata?.labels ?? {};
    const others = [...new Set(context.index.podsSelectedBy(o.namespace, selector).map((p) => p.owner))]
      .filter((other) => other !== o && CONTROLLER_KINDS.includes(other.object.kind))
      // Report a mutual overlap once, on the later object.
      .filter((other) => !(context.index.objects.indexOf(other) > context.index.objects.indexOf(o) && other.object.spec?.selector
        && matchesSelector(other.object.spec.selector, ownLabels)));
    return others.map((other) => violation(o, {
      field: 'spec.selector',
      value: selector,
      message: `(${describeSelector(selector)}) also selects the pods of ${describeObject(other)}`,
      fix: 'add a label that only this workload\'s pods carry to its selector and template',
    }));
  }),
});

/** The replicas a workload runs at least: its autoscaler's minReplicas, else spec.replicas (default 1). */
function minimumReplicas({ index }: RuleContext, workload: PolicyObject): number | undefined {
  if (!['Deployment', 'StatefulSet', 'ReplicaSet'].includes(workload.object.kind)) return undefined;
  const hpa = index.ofKind('HorizontalPodAutoscaler', workload.namespace)
    .find((h) => h.object.spec?.scaleTargetRef?.kind === workload.object.kind && h.object.spec?.scaleTargetRef?.name === workload.object.metadata?.name);
  const n = hpa ? hpa.object.spec?.minReplicas ?? 1 : workload.object.spec?.replicas ?? 1;
  return Number.isInteger(n) ? n : undefined;
}

/** PLT035: a PodDisruptionBudget lets at least one pod go. */
export const pdbAllowsDisruption = Rule.of({
  id: 'PLT035',
  name: 'pdb-allows-disruption',
  severity: Severity.ERROR,
  rationale: 'A budget whose minAvailable is at least the replica count (1 of 1 included), or whose maxUnavailable is 0, allows no eviction: every node drain and cluster upgrade blocks on it; the API server refuses a budget that sets both.',
  fix: 'Use maxUnavailable: 1, or keep minAvailable below the lowest replica count (run at least 2 replicas for minAvailable: 1).',
  library: 'DisruptionBudget defaults to maxUnavailable: 1 and refuses the same settings (the same code).',
  examples: {
    failing: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: web, namespace: shop }\nspec: { minAvailable: 1, selector: { matchLabels: { app: web } } }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  replicas: 1\n  selector: { matchLabels: { app: web } }\n  template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: web, image: "nginx:1.25" }] } }',
    passing: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: web, namespace: shop }\nspec: { maxUnavailable: 1, selector: { matchLabels: { app: web } } }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  replicas: 1\n  selector: { matchLabels: { app: web } }\n  template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: web, image: "nginx:1.25" }] } }',
  },
  check: (context) => context.index.ofKind('PodDisruptionBudget').flatMap((pdb) => {
    const spec = pdb.object.spec ?? {};
    const settings = budgetSettingsProblems(spec.minAvailable, spec.maxUnavailable, 'spec.');
    if (settings.length) return settings.map((p) => violation(pdb, p));
    if (spec.minAvailable === '100%') {
      return [violation(pdb, { field: 'spec.minAvailable', value: spec.minAvailable, message: 'allows no eviction at all', fix: 'use maxUnavailable: 1' })];
    }
    if (!Number.isInteger(spec.minAvailable) || !spec.selector) return [];
    const owners = [...new Set(context.index.podsSelectedBy(pdb.namespace, spec.selector).map((p) => p.owner))];
    return owners.flatMap((w) => {
      const replicas = minimumReplicas(context, w);
      return replicas !== undefined && spec.minAvailable >= replicas ? [violation(pdb, {
        field: 'spec.minAvailable',
        value: spec.minAvailable,
        message: `is at least the ${replicas} replica(s) of ${describeObject(w)}, so no pod may ever be evicted`,
        fix: replicas > 1 ? `use minAvailable: ${replicas - 1} or maxUnavailable: 1` : 'use maxUnavailable: 1, or run at least 2 replicas',
      })] : [];
    });
  }),
});

/** PLT036: one PodDisruptionBudget per pod. */
export const pdbsOverlap = Rule.of({
  id: 'PLT036',
  name: 'pdbs-overlap',
  severity: Severity.ERROR,
  rationale: 'The eviction API refuses to evict a pod that more than one PodDisruptionBudget selects ("more than one PodDisruptionBudget"): drains of its nodes fail.',
  fix: 'Keep one budget per workload: narrow the selectors so that no pod is selected by two.',
  examples: {
    failing: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: web, namespace: shop }\nspec: { maxUnavailable: 1, selector: { matchLabels: { app: web } } }\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: frontend, namespace: shop }\nspec: { maxUnavailable: 1, selector: { matchLabels: { tier: front } } }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  replicas: 2\n  selector: { matchLabels: { app: web } }\n  template: { metadata: { labels: { app: web, tier: front } }, spec: { containers: [{ name: web, image: "nginx:1.25" }] } }',
    passing: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: web, namespace: shop }\nspec: { maxUnavailable: 1, selector: { matchLabels: { app: web } } }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  replicas: 2\n  selector: { matchLabels: { app: web } }\n  template: { metadata: { labels: { app: web, tier: front } }, spec: { containers: [{ name: web, image: "nginx:1.25" }] } }',
  },
  check: ({ index }) => {
    // The budgets of each pod template, in object order: every budget after the first overlaps.
    const budgets = new Map<unknown, PolicyObject[]>();
    const result: Violation[] = [];
    for (const pdb of index.ofKind('PodDisruptionBudget')) {
      if (!pdb.object.spec?.selector) continue;
      const owners = new Set(index.podsSelectedBy(pdb.namespace, pdb.object.spec.selector).map((p) => p.owner));
      const earlier = [...new Set([...owners].flatMap((owner) => budgets.get(owner) ?? []))];
      for (const owner of owners) budgets.set(owner, [...(budgets.get(owner) ?? []), pdb]);
      if (earlier.length) {
        result.push(violation(pdb, {
          field: 'spec.selector',
          value: pdb.object.spec.selector,
          message: `selects pods that ${earlier.map(describeObject).join(', ')} also selects`,
          fix: 'keep one budget per workload, or narrow the selectors',
        }));
      }
    }
    return result;
  },
});
