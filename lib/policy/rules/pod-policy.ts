import { Rule, Severity, violation } from '../rule';

/** PLT076: the headless Service of a StatefulSet names its ports. */
export const statefulSetPortNames = Rule.of({
  id: 'PLT076',
  name: 'statefulset-ports-named',
  severity: Severity.ERROR,
  rationale: 'Members of a StatefulSet find each other through the DNS SRV records of the headless Service, which exist only for named ports.',
  fix: 'Name every port of the StatefulSet\'s headless Service.',
  library: 'A StatefulSet of the library refuses unnamed ports at synth; waive PLT076 with a reason where clients use ordinal DNS names only.',
  examples: {
    failing: 'apiVersion: v1\nkind: Service\nmetadata: { name: db, namespace: shop }\nspec:\n  clusterIP: None\n  selector: { app: db }\n  ports: [{ port: 5432 }]\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db, namespace: shop }\nspec:\n  serviceName: db\n  selector: { matchLabels: { app: db } }\n  template:\n    metadata: { labels: { app: db } }\n    spec: { containers: [{ name: db, image: "postgres:16.1" }] }',
    passing: 'apiVersion: v1\nkind: Service\nmetadata: { name: db, namespace: shop }\nspec:\n  clusterIP: None\n  selector: { app: db }\n  ports: [{ name: postgres, port: 5432 }]\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db, namespace: shop }\nspec:\n  serviceName: db\n  selector: { matchLabels: { app: db } }\n  template:\n    metadata: { labels: { app: db } }\n    spec: { containers: [{ name: db, image: "postgres:16.1" }] }',
  },
  check: ({ index }) => index.ofKind('StatefulSet').flatMap((set) => {
    const name = set.object.spec?.serviceName;
    const service = typeof name === 'string' ? index.find('Service', set.namespace, name) : undefined;
    return ((service?.object.spec?.ports ?? []) as any[]).flatMap((p, i) => (p?.name ? [] : [violation(set, {
      field: 'spec.serviceName',
      value: name,
      message: `names Service ${name}, whose port ${p?.port} (ports[${i}]) has no name: members get no SRV record for it`,
      fix: 'name the port, e.g. "peer" or "client"',
    })]));
  }),
});
