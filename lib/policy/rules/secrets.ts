import { credentialProblems } from '../checks/secret-scan';
import { Rule, Severity, violation } from '../rule';

/** PLT090: no Secret carries its data in the manifests. */
export const secretData = Rule.of({
  id: 'PLT090',
  name: 'secret-data-in-manifest',
  severity: Severity.ERROR,
  rationale: 'A Secret with data or stringData in the rendered YAML puts the credential in Git, in every clone, CI log and review, forever (base64 is not encryption).',
  fix: 'Leave the Secret out of the manifests: create it from a secret store (an ExternalSecret, a sealed secret) and reference it by name; waive only values that are public.',
  library: 'ExistingSecret or ExternalSecret; Secret with SecretValue.nonSensitive() writes the waiver for public values.',
  examples: {
    failing: 'apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: shop }\nstringData: { password: hunter2 }',
    passing: 'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata: { name: db, namespace: shop }\nspec:\n  secretStoreRef: { kind: ClusterSecretStore, name: vault }\n  target: { name: db }\n  data: [{ secretKey: password, remoteRef: { key: shop/db, property: password } }]',
  },
  check: ({ index }) => index.ofKind('Secret').flatMap((s) => (['data', 'stringData'] as const)
    .filter((key) => s.object[key] && typeof s.object[key] === 'object' && Object.keys(s.object[key]).length > 0)
    .map((key) => violation(s, {
      field: key,
      value: Object.keys(s.object[key]),
      message: 'puts the Secret\'s values into the manifests, and so into Git',
      fix: 'create the Secret outside Git (ExternalSecret, sealed secret) and reference it by name',
    }))),
});

/** PLT091: no credential in any other field of any object. */
export const credentialsInManifest = Rule.of({
  id: 'PLT091',
  name: 'credential-in-manifest',
  severity: Severity.ERROR,
  rationale: 'Credentials in env values, args, ConfigMaps or annotations are readable by anyone who can read the namespace or the repository, and land in logs and `kubectl describe`.',
  fix: 'Move the value into a Secret made outside Git and read it with env[].valueFrom.secretKeyRef or a mounted file.',
  library: 'EnvValue.fromSecret(...) or ExistingSecret.env(...).',
  examples: {
    failing: 'apiVersion: v1\nkind: Pod\nmetadata: { name: api, namespace: shop }\nspec:\n  containers:\n    - name: api\n      image: "api:1.0"\n      env:\n        - { name: DB_PASS, value: hunter2 }\n        - { name: DATABASE_URL, value: "mysql://root:hunter2@db:3306/shop" }',
    passing: 'apiVersion: v1\nkind: Pod\nmetadata: { name: api, namespace: shop }\nspec:\n  containers:\n    - name: api\n      image: "api:1.0"\n      env:\n        - { name: DB_PASS, valueFrom: { secretKeyRef: { name: db, key: password } } }\n        - { name: DATABASE_URL, value: "mysql://root:$(DB_PASS)@db:3306/shop" }',
  },
  check: ({ index }) => index.objects.flatMap((o) => credentialProblems(o.object).map((p) => violation(o, p))),
});
