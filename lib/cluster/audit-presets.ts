import { AuditLevel, AuditPolicySpec, AuditResources, AuditRule, AuditStage } from './audit-policy';

const CORE = '';
const OMIT_RECEIVED = [AuditStage.REQUEST_RECEIVED];
const WRITES = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** The API groups the GKE policy calls "known APIs". */
const KNOWN_API_GROUPS = [
  CORE, 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'apps',
  'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io',
  'extensions', 'metrics.k8s.io', 'networking.k8s.io', 'node.k8s.io', 'policy',
  'rbac.authorization.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io',
];

/** Resources whose bodies hold credentials; every preset logs them at Metadata only. */
const SENSITIVE_RESOURCES: AuditResources[] = [
  { group: CORE, resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
  { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
];

/** External Secrets Operator resources whose bodies hold credentials (inline store credentials, generated secrets). */
const EXTERNAL_SECRETS_RESOURCES: AuditResources[] = [
  { group: 'external-secrets.io', resources: ['secretstores', 'clustersecretstores'] },
  { group: 'generators.external-secrets.io', resources: ['*'] },
];

/** Read-only endpoints polled by probes and clients. */
const HEALTH_URLS = ['/healthz*', '/livez*', '/readyz*', '/version'];

/**
 * Ready-made audit policies. Each returns a fresh spec; extend it with
 * `AuditPolicy.addRule()` (inserted before the catch-all) or by editing the rules array.
 */
export class AuditPresets {
  /**
   * The GKE / kube-up policy (cluster/gce/gci/configure-helper.sh, `create-master-audit-policy`),
   * rule for rule: drop high-volume system traffic, Metadata for credentials, Request for reads,
   * RequestResponse for writes to known APIs, Metadata for everything else.
   */
  public static gke(): AuditPolicySpec {
    const known: AuditResources[] = KNOWN_API_GROUPS.map((group) => ({ group }));
    const rules: AuditRule[] = [
      // High-volume, low-risk requests.
      { level: AuditLevel.NONE, users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: CORE, resources: ['endpoints', 'services', 'services/status'] }] },
      // The ingress controller reads configmaps/ingress-uid through the unsecured port.
      { level: AuditLevel.NONE, users: ['system:unsecured'], namespaces: ['kube-system'], verbs: ['get'], resources: [{ group: CORE, resources: ['configmaps'] }] },
      { level: AuditLevel.NONE, users: ['kubelet'], verbs: ['get'], resources: [{ group: CORE, resources: ['nodes', 'nodes/status'] }] },
      { level: AuditLevel.NONE, userGroups: ['system:nodes'], verbs: ['get'], resources: [{ group: CORE, resources: ['nodes', 'nodes/status'] }] },
      {
        level: AuditLevel.NONE,
        users: ['system:kube-controller-manager', 'system:cloud-controller-manager', 'system:kube-scheduler', 'system:serviceaccount:kube-system:endpoint-controller'],
        verbs: ['get', 'update'],
        namespaces: ['kube-system'],
        resources: [{ group: CORE, resources: ['endpoints'] }],
      },
      { level: AuditLevel.NONE, users: ['system:apiserver'], verbs: ['get'], resources: [{ group: CORE, resources: ['namespaces', 'namespaces/status', 'namespaces/finalize'] }] },
      { level: AuditLevel.NONE, users: ['cluster-autoscaler'], verbs: ['get', 'update'], namespaces: ['kube-system'], resources: [{ group: CORE, resources: ['configmaps', 'endpoints'] }] },
      // HPA fetching metrics.
      { level: AuditLevel.NONE, users: ['system:kube-controller-manager', 'system:cloud-controller-manager'], verbs: ['get', 'list'], resources: [{ group: 'metrics.k8s.io' }] },
      // Read-only URLs.
      { level: AuditLevel.NONE, nonResourceURLs: ['/healthz*', '/version', '/swagger*'] },
      // Events, for performance.
      { level: AuditLevel.NONE, resources: [{ group: CORE, resources: ['events'] }] },
      // Node and pod status updates from nodes are frequent and large: no responses.
      {
        level: AuditLevel.REQUEST,
        users: ['kubelet', 'system:node-problem-detector', 'system:serviceaccount:kube-system:node-problem-detector'],
        verbs: ['update', 'patch'],
        resources: [{ group: CORE, resources: ['nodes/status', 'pods/status'] }],
        omitStages: OMIT_RECEIVED,
      },
      { level: AuditLevel.REQUEST, userGroups: ['system:nodes'], verbs: ['update', 'patch'], resources: [{ group: CORE, resources: ['nodes/status', 'pods/status'] }], omitStages: OMIT_RECEIVED },
      // Namespace deletion: deletecollection responses are large.
      { level: AuditLevel.REQUEST, users: ['system:serviceaccount:kube-system:namespace-controller'], verbs: ['deletecollection'], omitStages: OMIT_RECEIVED },
      // Credentials: metadata only.
      { level: AuditLevel.METADATA, resources: SENSITIVE_RESOURCES, omitStages: OMIT_RECEIVED },
      // Get responses can be large.
      { level: AuditLevel.REQUEST, verbs: ['get', 'list', 'watch'], resources: known, omitStages: OMIT_RECEIVED },
      // Default for known APIs.
      { level: AuditLevel.REQUEST_RESPONSE, resources: known, omitStages: OMIT_RECEIVED },
      // Default for everything else.
      { level: AuditLevel.METADATA, omitStages: OMIT_RECEIVED },
    ];
    return { rules };
  }

  /** Who did what to which object, never a body: small logs, no credentials. */
  public static metadataOnly(): AuditPolicySpec {
    return {
      omitStages: OMIT_RECEIVED,
      rules: [
        { level: AuditLevel.NONE, nonResourceURLs: HEALTH_URLS },
        { level: AuditLevel.METADATA },
      ],
    };
  }

  /**
   * Request bodies of writes (what was changed, and to what), metadata for reads and for
   * credentials; health checks and events are dropped.
   */
  public static writeBodies(): AuditPolicySpec {
    return {
      omitStages: OMIT_RECEIVED,
      omitManagedFields: true,
      rules: [
        { level: AuditLevel.NONE, nonResourceURLs: HEALTH_URLS },
        { level: AuditLevel.NONE, resources: [{ group: CORE, resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
        { level: AuditLevel.METADATA, resources: [...SENSITIVE_RESOURCES, ...EXTERNAL_SECRETS_RESOURCES] },
        { level: AuditLevel.REQUEST, verbs: WRITES },
        { level: AuditLevel.METADATA },
      ],
    };
  }
}
