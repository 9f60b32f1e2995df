import { parseAllDocuments } from 'yaml';
import { ImagePolicy, PLATFORM_RULES, PodSecurityLevel, PolicyEngine } from '../lib';
import { credentialPatterns, credentialProblems, isSecretName } from '../lib/policy/checks/secret-scan';

/** PLT090/PLT091 findings of YAML documents: `rule field: message`. */
function scan(yaml: string): string[] {
  const objects = parseAllDocuments(yaml).map((d) => d.toJS());
  return new PolicyEngine({ rules: PLATFORM_RULES.filter((r) => r.id === 'PLT090' || r.id === 'PLT091') })
    .evaluate(objects.map((object) => ({ object, path: 'x', file: 'x.yaml' })), { namespace: 'shop', podSecurity: PodSecurityLevel.RESTRICTED, imagePolicy: ImagePolicy.TAGGED })
    .map((f) => `${f.rule} ${f.field}: ${f.message}`);
}

const pod = (container: string) => `apiVersion: v1\nkind: Pod\nmetadata: { name: api }\nspec:\n  containers:\n    - name: api\n      image: "api:1.0"\n${container}`;

describe('the secret scanner finds credentials wherever they are written', () => {
  test.each([
    ['an escape-hatch Secret with stringData', 'apiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData: { password: hunter2 }', 'PLT090 stringData: puts the Secret\'s values into the manifests, and so into Git'],
    ['an escape-hatch Secret with data', 'apiVersion: v1\nkind: Secret\nmetadata: { name: db }\ndata: { password: aHVudGVyMg== }', 'PLT090 data: puts'],
    ['env DB_PASS', pod('      env: [{ name: DB_PASS, value: hunter2 }]'), 'PLT091 spec.containers[0].env[0].value: is a literal value of DB_PASS, a password-like variable'],
    ['env MYSQL_PWD', pod('      env: [{ name: MYSQL_PWD, value: hunter2 }]'), 'PLT091 spec.containers[0].env[0].value: is a literal value of MYSQL_PWD'],
    ['env AUTH', pod('      env: [{ name: AUTH, value: "Basic YWxhZGRpbjpvcGVuc2VzYW1l" }]'), 'PLT091 spec.containers[0].env[0].value: is a literal value of AUTH'],
    ['env BEARER', pod('      env: [{ name: BEARER, value: abc.def.ghi }]'), 'PLT091 spec.containers[0].env[0].value: is a literal value of BEARER'],
    ['DATABASE_URL with a password', pod('      env: [{ name: DATABASE_URL, value: "mysql://root:pw@db:3306/shop" }]'), 'PLT091 spec.containers[0].env[0].value: holds a password in a URL'],
    ['AWS_ACCESS_KEY_ID=AKIA...', pod('      env: [{ name: AWS_ACCESS_KEY_ID, value: AKIAIOSFODNN7EXAMPLE }]'), 'PLT091 spec.containers[0].env[0].value: holds an AWS access key id'],
    ['a ghp_ token in a ConfigMap', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { settings: "token=ghp_0123456789abcdefghijABCDEFGHIJ012345" }', 'PLT091 data.settings: holds a GitHub token'],
    ['a key named password in a ConfigMap', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { password: hunter2 }', 'PLT091 data.password: is a password-like key in a ConfigMap'],
    ['a PEM private key in a ConfigMap', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { tls.key: "-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----" }', 'PLT091 data.tls.key: holds a private key'],
    ['args --password value', pod('      args: [--user, root, --password, hunter2]'), 'PLT091 spec.containers[0].args[2]: passes a literal value to password, a password-like flag'],
    ['args --db-password=value', pod('      args: ["--db-password=hunter2"]'), 'PLT091 spec.containers[0].args[0]: passes a literal value to db-password'],
    ['an annotation', 'apiVersion: v1\nkind: Service\nmetadata: { name: s, annotations: { example.com/api-token: s3cr3t-value } }\nspec: { ports: [{ port: 80 }] }', 'PLT091 metadata.annotations.example.com/api-token: is a password-like annotation with a literal value'],
    ['a URL with a password in an annotation', 'apiVersion: v1\nkind: Service\nmetadata: { name: s, annotations: { example.com/upstream: "https://u:p4ss@example.com" } }\nspec: { ports: [{ port: 80 }] }', 'PLT091 metadata.annotations.example.com/upstream: holds a password in a URL'],
  ])('%s', (_, yaml, expected) => {
    expect(scan(yaml)).toEqual([expect.stringContaining(expected)]);
  });

  test('references, placeholders and settings about credentials are not credentials', () => {
    expect(scan(pod(`      env:
        - { name: DB_PASS, valueFrom: { secretKeyRef: { name: db, key: password } } }
        - { name: DATABASE_URL, value: "mysql://root:$(DB_PASS)@db:3306/shop" }
        - { name: DB_PASSWORD_FILE, value: /run/secrets/db }
        - { name: AUTH_URL, value: "https://auth.example.com" }
        - { name: TOKEN_TTL, value: "3600" }
        - { name: AUTH_ENABLED, value: "true" }
      args: ["--password-file=/run/secrets/db", "--token", "$(TOKEN)"]`))).toEqual([]);
    expect(scan('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, annotations: { k8s-constructs.io/waive.PLT070: "metrics only" } }\ndata: { password_policy: strict, mode: test }')).toEqual([]);
  });

  test('a waiver exempts one object', () => {
    expect(scan('apiVersion: v1\nkind: Secret\nmetadata: { name: ca, annotations: { k8s-constructs.io/waive.PLT090: "public CA bundle" } }\nstringData: { ca.crt: "-----BEGIN CERTIFICATE-----" }')).toEqual([]);
  });

  test('names are read word by word', () => {
    expect(['DB_PASS', 'MYSQL_PWD', 'AUTH', 'BEARER', 'apiKey', 'API_KEY', 'client-secret', 'NEXTAUTH_SECRET', 'password'].filter((n) => !isSecretName(n))).toEqual([]);
    expect(['AUTHOR', 'PASSWORD_FILE', 'AUTH_URL', 'SECRET_NAME', 'KEY', 'TOKEN_TTL', 'passwordFile', 'AWS_ACCESS_KEY_ID'].filter(isSecretName)).toEqual([]);
    expect(credentialProblems({ kind: 'Secret', stringData: { password: 'hunter2' } })).toEqual([]);
  });

  // The scan passes over values shorter than any pattern or without any pattern's literal part:
  // the shortest match of every pattern must still be found, and one character less must not be.
  test.each([
    ['a password in a URL', 'a://b:c@', 'a://b:@'],
    ['an AWS access key id', `AKIA${'A'.repeat(16)}`, `AKIA${'A'.repeat(15)}`],
    ['an AWS access key id', `ASIA${'0'.repeat(16)}`, `ASI${'0'.repeat(17)}`],
    ['an AWS access key id', `ABIA${'0'.repeat(16)}`, `ABI${'0'.repeat(17)}`],
    ['an AWS access key id', `ACCA${'0'.repeat(16)}`, `ACC${'0'.repeat(17)}`],
    ['a GitHub token', `ghs_${'a'.repeat(36)}`, `ghs_${'a'.repeat(35)}`],
    ['a GitHub token', `github_pat_${'a'.repeat(22)}`, `github_pat_${'a'.repeat(21)}`],
    ['a GitLab token', `glpat-${'a'.repeat(20)}`, `glpat-${'a'.repeat(19)}`],
    ['a Slack token', `xoxr-${'a'.repeat(10)}`, `xoxr-${'a'.repeat(9)}`],
    ['a Google API key', `AIza${'a'.repeat(35)}`, `AIza${'a'.repeat(34)}`],
    ['a Stripe secret key', `rk_live_${'a'.repeat(20)}`, `rk_live_${'a'.repeat(19)}`],
    ['a private key', '-----BEGIN PRIVATE KEY-----', '-----BEGIN PRIVATE KEY----'],
    ['a JSON Web Token', `eyJ${'a'.repeat(10)}.eyJ${'a'.repeat(10)}.${'a'.repeat(10)}`, `eyJ${'a'.repeat(10)}.eyJ${'a'.repeat(10)}.${'a'.repeat(9)}`],
  ])('the shortest value with %s is found', (name, shortest, tooShort) => {
    expect(credentialPatterns(shortest)).toEqual([name]);
    expect(credentialPatterns(` x ${shortest} x `)).toEqual([name]);
    expect(credentialPatterns(tooShort)).toEqual([]);
  });

  test('a value matching several patterns holds them all, in pattern order', () => {
    expect(credentialPatterns(`https://u:AKIA${'A'.repeat(16)}@h eyJ${'a'.repeat(10)}.eyJ${'a'.repeat(10)}.${'a'.repeat(10)}`))
      .toEqual(['a password in a URL', 'an AWS access key id', 'a JSON Web Token']);
  });

  test('field paths of credentials in lists, empty keys and dotted keys', () => {
    const key = `AKIA${'A'.repeat(16)}`;
    const fields = (object: any) => credentialProblems(object).map((p) => p.field);
    expect(fields({ kind: 'X', '': { a: key, '': [key, [key]] }, 'b.c': [{ d: key }] })).toEqual(['a', '[0]', '[1][0]', 'b.c[0].d']);
    expect(fields({ kind: 'Secret', 'data': { k: key }, 'data.k': key, 'stringData': [key], 'x': { data: { k: key } } })).toEqual(['stringData[0]', 'x.data.k']);
    expect(fields({ kind: 'X', metadata: { annotations: { 'k8s-constructs.io/x': key, 'kubectl.kubernetes.io/last-applied-configuration': key, 'a/b': key } } })).toEqual(['metadata.annotations.a/b']);
  });
});
