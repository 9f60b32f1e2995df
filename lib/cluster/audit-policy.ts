import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { dropLabels, dropNamespace } from '../core/cluster-scope';
import { Names } from '../core/names';
import { Finding, Manifest, ManifestCheck } from '../core/platform';
import { addProblems, formatProblem, Problem } from '../core/problem';
import { z } from 'zod';
import { bool, checkProps, constructId, str } from '../core/schema';
import { YamlWriter } from '../core/yaml-writer';

/** How much of a request the API server writes to the audit log. */
export enum AuditLevel {
  /** Nothing. */
  NONE = 'None',
  /** Who, when, what verb on which object; no bodies. */
  METADATA = 'Metadata',
  /** Metadata and the request body (resource requests only). */
  REQUEST = 'Request',
  /** Metadata, request body and response body (resource requests only). */
  REQUEST_RESPONSE = 'RequestResponse',
}

/** The points in a request's life at which an audit event is emitted. */
export enum AuditStage {
  /** As soon as the request arrives, before it is handled. */
  REQUEST_RECEIVED = 'RequestReceived',
  /** Headers sent, body not yet: long-running requests (watch) only. */
  RESPONSE_STARTED = 'ResponseStarted',
  /** The response is complete. */
  RESPONSE_COMPLETE = 'ResponseComplete',
  /** The handler panicked. */
  PANIC = 'Panic',
}

/** Resources of one API group a rule applies to. */
export interface AuditResources {
  /**
   * API group; `''` is the core group (pods, secrets, ...).
   * @default ''
   */
  readonly group?: string;
  /**
   * Resources, with subresources written `pods/log`; `*` (all), `*\/status` and `pods/*` are the
   * API server's wildcards. A resource does not cover its subresources.
   * @default - every resource of the group, subresources included
   */
  readonly resources?: string[];
  /**
   * Object names.
   * @default - every object
   */
  readonly resourceNames?: string[];
}

/** One rule of an audit policy; the first rule that matches a request decides its level. */
export interface AuditRule {
  /** What is logged for requests this rule matches. */
  readonly level: AuditLevel;
  /**
   * Users (e.g. `system:kube-proxy`, `system:serviceaccount:ns:name`).
   * @default - every user
   */
  readonly users?: string[];
  /**
   * Groups; the rule matches a user in any of them.
   * @default - every group
   */
  readonly userGroups?: string[];
  /**
   * Verbs (get, list, watch, create, update, patch, delete, deletecollection, ...).
   * @default - every verb
   */
  readonly verbs?: string[];
  /**
   * Resources; setting it (or `namespaces`) limits the rule to resource requests.
   * @default - every resource
   */
  readonly resources?: AuditResources[];
  /**
   * Namespaces; `''` means cluster-scoped objects.
   * @default - every namespace
   */
  readonly namespaces?: string[];
  /**
   * Non-resource URL paths (`/healthz*`, `/version`); setting it limits the rule to non-resource
   * requests. A trailing `*` is a prefix match.
   * @default - every path
   */
  readonly nonResourceURLs?: string[];
  /**
   * Stages not logged for this rule, on top of the policy's.
   * @default - none
   */
  readonly omitStages?: AuditStage[];
  /**
   * Leave `managedFields` out of logged bodies.
   * @default - the policy's setting
   */
  readonly omitManagedFields?: boolean;
  /**
   * Accept that this rule logs bodies of Secrets, ConfigMaps, ServiceAccount tokens or
   * TokenReviews (it puts credentials into the audit log). Not written to the file.
   * @default false
   */
  readonly allowSensitiveBodies?: boolean;
}

/** The content of an audit policy file, independent of cdk8s. */
export interface AuditPolicySpec {
  /** Rules, first match wins; end with a catch-all (a rule with only a level). */
  readonly rules: AuditRule[];
  /**
   * Stages never logged, e.g. `RequestReceived` (it duplicates `ResponseComplete`).
   * @default - none
   */
  readonly omitStages?: AuditStage[];
  /**
   * Leave `managedFields` out of logged bodies.
   * @default false
   */
  readonly omitManagedFields?: boolean;
  /**
   * Resources whose bodies hold credentials, beyond the built-in ones (Secrets, ConfigMaps,
   * ServiceAccount tokens, TokenReviews, External Secrets stores and generators), e.g. an
   * operator's CRD with inline passwords. Not written to the file.
   * @default - the built-in ones only
   */
  readonly sensitiveResources?: SensitiveResource[];
}

/** A resource (or subresource) whose request or response bodies hold credentials. */
export interface SensitiveResource {
  /** API group, `''` for the core group. */
  readonly group: string;
  /** Resource, plural, e.g. `secrets`. */
  readonly resource: string;
  /**
   * Subresource, e.g. `token`.
   * @default - the resource itself
   */
  readonly subresource?: string;
}

/** Props of an {@link AuditPolicy}. */
export interface AuditPolicyProps extends AuditPolicySpec {
  /**
   * `metadata.name`, also the file name (`Policy.<name>.k8s.yaml`).
   * @default 'audit-policy'
   */
  readonly name?: string;
}

const strings = z.array(str).optional();
/** Runtime shape of {@link AuditRule}; reachability and coverage are checked by {@link analyzeAuditPolicy}. @internal */
export const AuditRuleSchema = z.strictObject({
  level: str.describe('use one of None, Metadata, Request, RequestResponse'),
  users: strings,
  userGroups: strings,
  verbs: strings,
  resources: z.array(z.strictObject({ group: str.optional(), resources: strings, resourceNames: strings })).optional(),
  namespaces: strings,
  nonResourceURLs: strings,
  omitStages: strings,
  omitManagedFields: bool.optional(),
  allowSensitiveBodies: bool.optional(),
});
/** Runtime shape of {@link AuditPolicyProps}. @internal */
export const AuditPolicyPropsSchema = z.strictObject({
  name: str.optional(),
  rules: z.array(AuditRuleSchema),
  omitStages: strings,
  omitManagedFields: bool.optional(),
});

/** What {@link analyzeAuditPolicy} finds: errors refuse the policy, warnings are printed. */
export interface AuditPolicyAnalysis {
  /** Unreachable rules, requests no rule matches, credential bodies, malformed rules. */
  readonly errors: Problem[];
  /** Response bodies of reads, resources whose subresources the rule leaves out. */
  readonly warnings: Problem[];
}

/**
 * A kube-apiserver audit policy (`--audit-policy-file`, `audit.k8s.io/v1` `Policy`). It is not
 * an API object: give it a stack of its own (e.g. `kube-apiserver`, written to
 * `dist/<env>/kube-apiserver/`) that Argo CD and `kubectl apply -k` leave out, and hand the file
 * to the control plane. Rendered with `metadata.name` only: no namespace, no labels.
 *
 * The first matching rule wins, so the policy is refused when a rule can never match, when some
 * requests match no rule, or when a rule logs bodies of credentials without saying so.
 */
export class AuditPolicy extends Construct {
  /** Name of the policy (`metadata.name` of the file). */
  public readonly name: string;
  /** The Policy object (escape hatch). */
  public readonly apiObject: ApiObject;
  private readonly rules: AuditRule[];
  private readonly spec: Omit<AuditPolicySpec, 'rules'>;

  constructor(scope: Construct, id: string, props: AuditPolicyProps) {
    super(scope, constructId(scope, id));
    AppChart.of(this); // outside an AppChart: a problem at synth
    checkProps(this, AuditPolicyPropsSchema, props);
    this.name = props.name ?? 'audit-policy';
    this.rules = [...props.rules];
    this.spec = { omitStages: props.omitStages, omitManagedFields: props.omitManagedFields, sensitiveResources: props.sensitiveResources };
    const body = () => auditPolicyToJson(this.toSpec(), this.name);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      metadata: { name: this.name },
      omitStages: Lazy.any({ produce: () => body().omitStages }),
      omitManagedFields: Lazy.any({ produce: () => body().omitManagedFields }),
      rules: Lazy.any({ produce: () => body().rules }),
    });
    dropNamespace(this.apiObject);
    dropLabels(this.apiObject);
    addProblems(this, () => [...Names.dnsSubdomain('name', this.name), ...analyzeAuditPolicy(this.toSpec()).errors]);
  }

  /**
   * Adds a rule just before the catch-all (the last rule, when it matches every request), so
   * that presets can be extended; appends when there is no catch-all.
   */
  public addRule(rule: AuditRule): void {
    checkProps(this, AuditRuleSchema, rule);
    const last = this.rules[this.rules.length - 1];
    this.rules.splice(last && isCatchAll(last) ? this.rules.length - 1 : this.rules.length, 0, rule);
  }

  /** Inserts a rule at a position (0 = before every other rule). */
  public insertRule(index: number, rule: AuditRule): void {
    checkProps(this, z.strictObject({ index: z.int(), rule: AuditRuleSchema }), { index, rule });
    this.rules.splice(index, 0, rule);
  }

  /** The policy's rules and settings. */
  public toSpec(): AuditPolicySpec {
    return { ...this.spec, rules: [...this.rules] };
  }

  /** Findings that do not refuse the policy (bodies of reads, uncovered subresources). */
  public warnings(): string[] {
    return analyzeAuditPolicy(this.toSpec()).warnings.map((p) => `[${this.node.path}] ${formatProblem(p)}`);
  }

  /** The policy file as YAML, without synthesizing an app. */
  public toYaml(): string {
    return auditPolicyToYaml(this.toSpec(), this.name);
  }
}

/** The policy file as YAML, from a spec alone (no construct, no app). */
export function auditPolicyToYaml(spec: AuditPolicySpec, name = 'audit-policy'): string {
  return YamlWriter.stringify(auditPolicyToJson(spec, name));
}

/**
 * Reports the warnings of every rendered audit Policy through the Platform, which prints check
 * warnings (construct validations can only refuse). Errors are already reported by the construct.
 */
export class AuditPolicyCheck implements ManifestCheck {
  public check(manifests: readonly Manifest[]): Finding[] {
    return manifests
      .filter((m) => m.object.apiVersion === 'audit.k8s.io/v1' && m.object.kind === 'Policy')
      .flatMap((m) => analyzeAuditPolicy(m.object).warnings.map((w) => ({ ...w, rule: 'AUDIT', severity: 'warning' as const, path: m.constructPath })));
  }
}

/** The policy file as a JSON object: `apiVersion`, `kind`, `metadata.name`, settings, rules. */
export function auditPolicyToJson(spec: AuditPolicySpec, name = 'audit-policy'): any {
  return prune({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    metadata: { name },
    omitStages: spec.omitStages,
    omitManagedFields: spec.omitManagedFields,
    rules: spec.rules.map((r) => ({
      level: r.level,
      users: r.users,
      userGroups: r.userGroups,
      verbs: r.verbs,
      resources: r.resources?.map((g) => ({ group: g.group ?? '', resources: g.resources, resourceNames: g.resourceNames })),
      namespaces: r.namespaces,
      nonResourceURLs: r.nonResourceURLs,
      omitStages: r.omitStages,
      omitManagedFields: r.omitManagedFields,
    })),
  });
}

/** Whether a rule matches every request. */
export function isCatchAll(rule: AuditRule): boolean {
  return [rule.users, rule.userGroups, rule.verbs, rule.resources, rule.namespaces, rule.nonResourceURLs].every((v) => v === undefined || v.length === 0);
}

const LEVELS = Object.values(AuditLevel) as string[];
const STAGES = Object.values(AuditStage) as string[];
const WRITE_VERBS = ['create', 'update', 'patch'];
const READ_VERBS = ['get', 'list', 'watch'];
const VERBS = [...READ_VERBS, ...WRITE_VERBS, 'delete', 'deletecollection'];
/** Resources whose bodies hold credentials: `[group, resource, subresource]`. */
const SENSITIVE: readonly (readonly [string, string, string])[] = [
  ['', 'secrets', ''],
  ['', 'configmaps', ''],
  ['', 'serviceaccounts', 'token'],
  ['authentication.k8s.io', 'tokenreviews', ''],
  // External Secrets Operator: stores may hold inline credentials; generators return fresh ones.
  ['external-secrets.io', 'secretstores', ''],
  ['external-secrets.io', 'clustersecretstores', ''],
  ...['passwords', 'ecrauthorizationtokens', 'gcraccesstokens', 'acraccesstokens', 'vaultdynamicsecrets', 'webhooks', 'fakes']
    .map((r) => ['generators.external-secrets.io', r, ''] as const),
];
type SensitiveTuple = readonly [string, string, string];
/** Groups of the Kubernetes API without a dot in their name (every other group has one); `extensions` has no resources left in 1.27 but is harmless. */
const DOTLESS_GROUPS = ['', 'apps', 'batch', 'autoscaling', 'policy', 'extensions'];
/** Resources of the built-in 1.27 API groups, to catch `secret` for `secrets` (a rule on a resource that does not exist matches nothing). */
const BUILTIN_RESOURCES: Record<string, readonly string[]> = {
  '': ['bindings', 'componentstatuses', 'configmaps', 'endpoints', 'events', 'limitranges', 'namespaces', 'nodes', 'persistentvolumeclaims',
    'persistentvolumes', 'pods', 'podtemplates', 'replicationcontrollers', 'resourcequotas', 'secrets', 'serviceaccounts', 'services'],
  'apps': ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets'],
  'batch': ['cronjobs', 'jobs'],
  'autoscaling': ['horizontalpodautoscalers'],
  'policy': ['poddisruptionbudgets'],
  'rbac.authorization.k8s.io': ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles'],
  'networking.k8s.io': ['ingressclasses', 'ingresses', 'networkpolicies'],
  'authentication.k8s.io': ['tokenreviews', 'selfsubjectreviews'],
  'authorization.k8s.io': ['localsubjectaccessreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'subjectaccessreviews'],
  'storage.k8s.io': ['csidrivers', 'csinodes', 'csistoragecapacities', 'storageclasses', 'volumeattachments'],
  'coordination.k8s.io': ['leases'],
  'discovery.k8s.io': ['endpointslices'],
  'events.k8s.io': ['events'],
  'certificates.k8s.io': ['certificatesigningrequests'],
  'scheduling.k8s.io': ['priorityclasses'],
  'node.k8s.io': ['runtimeclasses'],
  'admissionregistration.k8s.io': ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
  'apiextensions.k8s.io': ['customresourcedefinitions'],
  'apiregistration.k8s.io': ['apiservices'],
  'flowcontrol.apiserver.k8s.io': ['flowschemas', 'prioritylevelconfigurations'],
};
/** Groups every user of a kind is in, whatever the rules say: the API server adds them. */
const IMPLICIT_GROUPS = ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'];
/** Subresources people forget a resource rule leaves out, by `group/resource`. */
const KNOWN_SUBRESOURCES: Record<string, string[]> = {
  '/pods': ['log', 'exec', 'attach', 'portforward', 'proxy', 'status', 'eviction', 'binding', 'ephemeralcontainers'],
  '/services': ['status', 'proxy'],
  '/nodes': ['status', 'proxy'],
  '/namespaces': ['status', 'finalize'],
  '/serviceaccounts': ['token'],
  '/persistentvolumeclaims': ['status'],
  'apps/deployments': ['scale', 'status'],
  'apps/statefulsets': ['scale', 'status'],
  'apps/replicasets': ['scale', 'status'],
  'apps/daemonsets': ['status'],
  'batch/jobs': ['status'],
  'batch/cronjobs': ['status'],
};
/** Stands for every value no rule names. */
const OTHER = '<other>';

interface ResourceTarget { readonly namespace: string; readonly group: string; readonly resource: string; readonly subresource: string; readonly name: string }
/** A user with the groups it is in. */
interface Who {
  readonly user: string;
  /** Every group of the user: the implicit ones and at most one a rule names. */
  readonly groups: readonly string[];
  /** The group a rule names that the user is in, for messages. */
  readonly userGroup?: string;
}
/** What a request is on: an object (resource request) or a URL path (non-resource request). */
interface Target {
  readonly resource?: ResourceTarget;
  readonly path?: string;
}
interface Request extends Who, Target {
  readonly verb: string;
}

/**
 * Checks an audit policy. Reachability is exact: requests are partitioned into classes by every
 * value the rules name (plus one "other" value per dimension), and each class is sent through
 * the rules; a rule no class reaches can never match.
 */
export function analyzeAuditPolicy(spec: AuditPolicySpec): AuditPolicyAnalysis {
  // Every environment usually renders the same policy, and the analysis is the costliest check of
  // the shipped synth: analyse each distinct policy once.
  let key: string;
  try {
    key = JSON.stringify(spec);
  } catch {
    return analyze(spec); // not JSON (e.g. a cycle a JavaScript caller made): analysed, not cached
  }
  let analysis = analyses.get(key);
  if (!analysis) {
    analysis = analyze(spec);
    analyses.set(key, analysis);
  }
  return analysis;
}

const analyses = new Map<string, AuditPolicyAnalysis>();

function analyze(spec: AuditPolicySpec): AuditPolicyAnalysis {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const rules = spec.rules;
  stageProblems('omitStages', spec.omitStages, errors);
  if (STAGES.every((st) => (spec.omitStages ?? []).includes(st as AuditStage))) {
    errors.push({ field: 'omitStages', value: spec.omitStages, message: 'omits every stage, so nothing is ever logged', fix: 'omit RequestReceived only (it duplicates ResponseComplete)' });
  }
  rules.forEach((r, i) => {
    ruleProblems(r, `rules[${i}]`, errors, warnings);
    const omitted = [...(spec.omitStages ?? []), ...(r.omitStages ?? [])];
    if (r.level !== AuditLevel.NONE && r.omitStages?.length && STAGES.every((st) => omitted.includes(st as AuditStage))) {
      errors.push({ field: `rules[${i}].omitStages`, value: r.omitStages, message: `with the policy's omitStages omits every stage: the rule logs nothing, like level None`, fix: 'keep ResponseComplete (and Panic) logged, or write level: None if nothing should be' });
    }
  });
  const sensitiveList: readonly SensitiveTuple[] = [...SENSITIVE, ...(spec.sensitiveResources ?? []).map((r) => [r.group, r.resource, r.subresource ?? ''] as const)];
  if (errors.length) return { errors, warnings };

  // Whether a rule matches a request is decided by the user, the verb and the target apart: the
  // rules matching each value of each are computed once, and a request's first match is the first
  // rule in all three sets, instead of sending every request through the rules one by one.
  const { whos, verbs, targets } = requestSpace(rules, sensitiveList);
  const whoRules = ruleSets(whos, rules, (r, who) => matchesUser(r, who.user, who.groups));
  const verbRules = ruleSets(verbs, rules, matchesVerb);
  const targetRules = ruleSets(targets, rules, matchesTarget);
  const isRead = verbs.map((verb) => READ_VERBS.includes(verb));
  const writesBody = verbs.map((verb) => !READ_VERBS.includes(verb) && !verb.startsWith('delete'));
  const sensitiveTarget = targets.map(({ resource: res }) => !!res && sensitiveList.some(([g, r, s]) => g === res.group && r === res.resource && s === res.subresource));
  const reached = rules.map(() => false);
  const sensitive = rules.map(() => new Set<string>());
  const bodiesOfReads = rules.map(() => new Set<string>());
  /** The first three requests no rule matches, for the message, and how many there are. */
  const unmatched: Request[] = [];
  let unmatchedCount = 0;
  const firsts = new Int32Array(whos.length * verbs.length * targets.length);
  let k = 0;
  whos.forEach((who, w) => verbs.forEach((verb, v) => targets.forEach((target, t) => {
    const first = firstCommon(whoRules[w], verbRules[v], targetRules[t]);
    firsts[k++] = first;
    if (first < 0) {
      if (unmatchedCount++ < 3) unmatched.push({ ...who, verb, ...target });
      return;
    }
    reached[first] = true;
    const rule = rules[first];
    const res = target.resource;
    if (sensitiveTarget[t] && !rule.allowSensitiveBodies) {
      if (rule.level === AuditLevel.REQUEST_RESPONSE || (rule.level === AuditLevel.REQUEST && writesBody[v])) {
        sensitive[first].add(describeResource(res!));
      }
    }
    if (res && rule.level === AuditLevel.REQUEST_RESPONSE && isRead[v]) {
      bodiesOfReads[first].add(verb);
    }
  })));
  // For a rule no request reaches: which earlier rules take the requests it matches.
  const takenBy = rules.map((_, i) => {
    if (reached[i]) return [];
    const by = new Set<number>();
    k = 0;
    whos.forEach((_w, w) => verbs.forEach((_v, v) => targets.forEach((_t, t) => {
      if (hasRule(whoRules[w], i) && hasRule(verbRules[v], i) && hasRule(targetRules[t], i)) by.add(firsts[k]);
      k++;
    })));
    return [...by].sort((a, b) => a - b);
  });

  rules.forEach((rule, i) => {
    if (!reached[i]) {
      const by = takenBy[i].map((j) => `rules[${j}]`);
      errors.push({
        field: `rules[${i}]`,
        value: compact(rule),
        message: by.length ? `can never match: every request it matches is taken first by ${by.join(', ')} (first match wins)` : 'can never match any request',
        fix: by.length ? `remove it, or move it before ${by[0]} if it should win` : 'remove it',
      });
    }
    if (sensitive[i].size) {
      errors.push({
        field: `rules[${i}].level`,
        value: rule.level,
        message: `logs bodies of ${[...sensitive[i]].join(', ')}, which puts credentials into the audit log`,
        fix: 'put a Metadata rule for these resources before it (as the presets do), or set allowSensitiveBodies: true if that is intended',
      });
    }
    if (bodiesOfReads[i].size) {
      warnings.push({
        field: `rules[${i}].level`,
        value: rule.level,
        message: `logs response bodies of ${[...bodiesOfReads[i]].join('/')} requests, which are large and frequent`,
        fix: 'log reads at Request or Metadata level in an earlier rule',
      });
    }
  });
  if (unmatchedCount) {
    errors.push({
      field: 'rules',
      value: unmatched.map(describeRequest),
      message: `${unmatchedCount} classes of requests match no rule and are not logged at all (level None)`,
      fix: 'end the policy with a catch-all rule, e.g. { level: AuditLevel.METADATA }, or { level: AuditLevel.NONE } to drop them on purpose',
    });
  }
  return { errors, warnings };
}

function ruleProblems(rule: AuditRule, field: string, errors: Problem[], warnings: Problem[]): void {
  if (!LEVELS.includes(rule.level)) {
    errors.push({ field: `${field}.level`, value: rule.level, message: 'is not an audit level', fix: `use one of ${LEVELS.join(', ')}` });
  }
  stageProblems(`${field}.omitStages`, rule.omitStages, errors);
  const onResources = (rule.resources?.length ?? 0) > 0 || (rule.namespaces?.length ?? 0) > 0;
  if (onResources && (rule.nonResourceURLs?.length ?? 0) > 0) {
    errors.push({
      field: `${field}.nonResourceURLs`,
      value: rule.nonResourceURLs,
      message: 'cannot be combined with resources or namespaces: a request is either a resource request or not',
      fix: 'split it into two rules',
    });
  }
  (rule.nonResourceURLs ?? []).forEach((url, j) => {
    if (!url.startsWith('/') || url.slice(0, -1).includes('*')) {
      errors.push({ field: `${field}.nonResourceURLs[${j}]`, value: url, message: 'must be a path starting with "/", with "*" only at the end', fix: 'e.g. "/healthz*" or "/version"' });
    }
  });
  (rule.resources ?? []).forEach((g, j) => {
    const group = g.group ?? '';
    if (!DOTLESS_GROUPS.includes(group) && !group.includes('.')) {
      errors.push({
        field: `${field}.resources[${j}].group`,
        value: group,
        message: `is not an API group${group === 'core' || group === 'v1' ? ' (the core group is written "")' : ' of Kubernetes 1.27 (custom resource groups contain a dot)'}, so the rule matches nothing`,
        fix: group === 'core' || group === 'v1' ? 'write group: "" for pods, secrets, configmaps and the other core resources' : `use one of ${DOTLESS_GROUPS.map((x) => JSON.stringify(x)).join(', ')} or a dotted group such as "networking.k8s.io"`,
      });
    }
    const known = BUILTIN_RESOURCES[group];
    for (const res of g.resources ?? []) {
      const base = res.split('/')[0];
      if (known && base !== '' && !base.includes('*') && res.split('/').length <= 2 && !known.includes(base)) {
        const near = known.find((k) => k === `${base}s` || k === `${base}es` || k === base.toLowerCase() || k === `${base.toLowerCase()}s`);
        errors.push({
          field: `${field}.resources[${j}].resources`,
          value: res,
          message: `is not a resource of the ${group ? `"${group}"` : 'core'} group in Kubernetes 1.27, so the rule matches nothing`,
          fix: near ? `write "${res.replace(base, near)}" (resources are lower-case plurals)` : `use one of ${known.join(', ')}`,
        });
      }
    }
    for (const res of g.resources ?? []) {
      if (res.split('/').length > 2 || res === '' || (res.includes('*') && !(res === '*' || /^\*\/[^*]+$/.test(res) || /^[^*]+\/\*$/.test(res)))) {
        errors.push({ field: `${field}.resources[${j}].resources`, value: res, message: 'is not a resource pattern', fix: 'use "pods", "pods/log", "pods/*", "*/status" or "*"' });
        continue;
      }
      const known = rule.level !== AuditLevel.NONE && !res.includes('/') ? KNOWN_SUBRESOURCES[`${group}/${res}`] : undefined;
      const missing = (known ?? []).filter((sub) => !(g.resources ?? []).some((o) => o === '*' || o === `${res}/*` || o === `${res}/${sub}` || o === `*/${sub}`));
      if (missing.length) {
        warnings.push({
          field: `${field}.resources[${j}].resources`,
          value: res,
          message: `does not cover its subresources ${missing.map((s) => `${res}/${s}`).join(', ')}: requests on them fall to later rules`,
          fix: `add "${res}/*" (or the subresources meant) if they should be logged the same way`,
        });
      }
    }
  });
}

function stageProblems(field: string, stages: readonly string[] | undefined, errors: Problem[]): void {
  (stages ?? []).forEach((s, i) => {
    if (!STAGES.includes(s)) {
      errors.push({ field: `${field}[${i}]`, value: s, message: 'is not an audit stage', fix: `use one of ${STAGES.join(', ')}` });
    }
  });
}

// kube-apiserver's rule matching (staging/src/k8s.io/apiserver/pkg/audit/policy/checker.go): a
// rule matches a request when it matches its user, its verb and its target.

function matchesUser(rule: AuditRule, user: string, groups: readonly string[]): boolean {
  if (rule.users?.length && !rule.users.includes(user)) return false;
  return !(rule.userGroups?.length && !rule.userGroups.some((g) => groups.includes(g)));
}

function matchesVerb(rule: AuditRule, verb: string): boolean {
  return !(rule.verbs?.length && !rule.verbs.includes(verb));
}

function matchesTarget(rule: AuditRule, target: Target): boolean {
  if (rule.resources?.length || rule.namespaces?.length) {
    const r = target.resource;
    if (!r) return false;
    if (rule.namespaces?.length && !rule.namespaces.includes(r.namespace)) return false;
    if (!rule.resources?.length) return true;
    const combined = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    return rule.resources.some((g) => (g.group ?? '') === r.group && (!g.resources?.length || (
      (!g.resourceNames?.length || g.resourceNames.includes(r.name))
      && g.resources.some((p) => p === combined || p === '*' || (r.subresource !== '' && p === `*/${r.subresource}`) || (p.endsWith('/*') && p.slice(0, -2) === r.resource)))));
  }
  if (rule.nonResourceURLs?.length) {
    const path = target.path;
    if (path === undefined) return false;
    return rule.nonResourceURLs.some((u) => u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
  }
  return true;
}

/** The rules matching each value, as bit sets: bit `i & 31` of word `i >> 5` stands for `rules[i]`. */
function ruleSets<T>(values: readonly T[], rules: readonly AuditRule[], test: (rule: AuditRule, value: T) => boolean): Uint32Array[] {
  return values.map((value) => {
    const set = new Uint32Array((rules.length + 31) >>> 5);
    rules.forEach((r, i) => {
      if (test(r, value)) set[i >>> 5] |= 1 << (i & 31);
    });
    return set;
  });
}

function hasRule(set: Uint32Array, i: number): boolean {
  return ((set[i >>> 5] >>> (i & 31)) & 1) === 1;
}

/** The first rule in all three sets, or -1. */
function firstCommon(a: Uint32Array, b: Uint32Array, c: Uint32Array): number {
  for (let j = 0; j < a.length; j++) {
    const x = a[j] & b[j] & c[j];
    if (x) return (j << 5) + 31 - Math.clz32(x & -x);
  }
  return -1;
}

/**
 * One value per class of users, verbs and targets the rules cannot tell apart; a request of every
 * user, verb and target, in this order, stands for each class of requests.
 */
function requestSpace(rules: readonly AuditRule[], sensitive: readonly SensitiveTuple[]): { whos: Who[]; verbs: string[]; targets: Target[] } {
  const named = rules.flatMap((r) => r.userGroups ?? []);
  // Every kind of user: a person, anonymous, a ServiceAccount of each namespace a group names and of any other.
  const users = unique([...rules.flatMap((r) => r.users ?? []), OTHER, 'system:anonymous', `system:serviceaccount:${OTHER}:${OTHER}`,
    ...named.filter((g) => g.startsWith('system:serviceaccounts:')).map((g) => `system:serviceaccount:${g.slice('system:serviceaccounts:'.length)}:${OTHER}`)]);
  const explicit: (string | undefined)[] = [...unique(named.filter((g) => !isImplicitGroup(g))), undefined];
  return {
    whos: users.flatMap((user) => explicit.map((userGroup) => ({ user, groups: [...implicitGroups(user), ...(userGroup === undefined ? [] : [userGroup])], userGroup }))),
    verbs: unique([...VERBS, ...rules.flatMap((r) => r.verbs ?? []), OTHER]),
    targets: [...resourceTargets(rules, sensitive).map((resource) => ({ resource })), ...urlTargets(rules).map((path) => ({ path }))],
  };
}

/** Whether the API server decides membership of a group from the user alone. */
function isImplicitGroup(group: string): boolean {
  return IMPLICIT_GROUPS.includes(group) || group.startsWith('system:serviceaccounts:');
}

/** The groups the API server puts a user in by itself. */
function implicitGroups(user: string): string[] {
  if (user === 'system:anonymous') return ['system:unauthenticated'];
  const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(user);
  return sa ? ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${sa[1]}`] : ['system:authenticated'];
}

function resourceTargets(rules: readonly AuditRule[], SENSITIVE: readonly SensitiveTuple[]): ResourceTarget[] {
  const selectors = rules.flatMap((r) => r.resources ?? []);
  const namespaces = unique(['', ...rules.flatMap((r) => r.namespaces ?? []), OTHER]);
  const apiGroups = unique([...SENSITIVE.map(([g]) => g), ...selectors.map((s) => s.group ?? ''), OTHER]);
  const targets: ResourceTarget[] = [];
  for (const group of apiGroups) {
    const inGroup = selectors.filter((s) => (s.group ?? '') === group);
    const patterns = inGroup.flatMap((s) => s.resources ?? []);
    const sensitive = SENSITIVE.filter(([g]) => g === group);
    const resources = unique([...sensitive.map(([, r]) => r), ...patterns.map((p) => p.split('/')[0]).filter((r) => r !== '*'), OTHER]);
    const anySub = patterns.filter((p) => p.startsWith('*/')).map((p) => p.slice(2));
    const names = unique([...inGroup.flatMap((s) => s.resourceNames ?? []), OTHER]);
    for (const resource of resources) {
      const subs = unique(['', ...sensitive.filter(([, r]) => r === resource).map(([, , s]) => s),
        ...patterns.filter((p) => p.startsWith(`${resource}/`)).map((p) => p.slice(resource.length + 1)).filter((s) => s !== '*'), ...anySub, OTHER]);
      for (const subresource of subs) {
        for (const name of names) {
          for (const namespace of namespaces) {
            targets.push({ namespace, group, resource, subresource, name });
          }
        }
      }
    }
  }
  return targets;
}

function urlTargets(rules: readonly AuditRule[]): string[] {
  const urls = rules.flatMap((r) => r.nonResourceURLs ?? []);
  const prefixes = urls.filter((u) => u.endsWith('*')).map((u) => u.slice(0, -1));
  return unique([...urls.filter((u) => !u.endsWith('*')), ...prefixes, ...prefixes.map((p) => `${p}${OTHER}`), `/${OTHER}`]);
}

function describeResource(r: ResourceTarget): string {
  return `${r.group ? `${r.group}/` : ''}${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
}

function describeRequest(req: Request): string {
  const who = `${req.user === OTHER ? 'any user' : req.user}${req.userGroup ? ` in ${req.userGroup}` : ''}`;
  const what = req.resource ? describeResource(req.resource) : req.path;
  return `${who} ${req.verb === OTHER ? 'any verb' : req.verb} ${what}`;
}

function compact(rule: AuditRule): unknown {
  return auditPolicyToJson({ rules: [rule] }).rules[0];
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Drops undefined fields and empty arrays, so the file holds only what was set. */
function prune(value: any): any {
  if (Array.isArray(value)) return value.map(prune);
  if (value && typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || (Array.isArray(v) && v.length === 0 && k !== 'rules')) continue;
      out[k] = prune(v);
    }
    return out;
  }
  return value;
}
