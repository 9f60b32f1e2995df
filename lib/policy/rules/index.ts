import { annotationGrammar, duplicateObjects, labelGrammar, objectNames } from './metadata';
import { rbacBroadSubjects, rbacEffectiveAccess, rbacEscalation, rbacReadOnly, rbacWildcards } from './rbac';
import { configMapReferences, roleReferences, secretReferences, serviceAccountReferences } from './references';
import { hpaReplicaRange, hpaRequests, hpaTargetExists, hpaTargetReplicas, statefulSetService } from './scaling';
import { credentialsInManifest, secretData } from './secrets';
import { affinitySelector, networkPolicySelector, pdbAllowsDisruption, pdbSelector, pdbsOverlap, workloadSelector, workloadSelectorsOverlap } from './selectors';
import { ingressBackendPort, ingressBackendService, servicePorts, serviceSelector, serviceTargetPorts } from './services';
import { statefulSetPortNames } from './pod-policy';
import { kubernetesSchema } from './schema';
import { waiverRule } from './waivers';
import { cronSchedule, imagePolicy, podSecurity, probeNamedPort, probeSettings, readinessProbe, resourceRequests, workloadSettings } from './workloads';
import { Rule } from '../rule';

/** Every rule of the platform, in id order: the catalogue docs/rules.md is generated from. */
export const PLATFORM_RULES: readonly Rule[] = [
  waiverRule,
  objectNames, labelGrammar, annotationGrammar, duplicateObjects, kubernetesSchema,
  serviceSelector, serviceTargetPorts, ingressBackendService, ingressBackendPort, servicePorts,
  hpaTargetExists, hpaTargetReplicas, hpaRequests, statefulSetService, hpaReplicaRange,
  pdbSelector, networkPolicySelector, affinitySelector, workloadSelector, workloadSelectorsOverlap, pdbAllowsDisruption, pdbsOverlap,
  secretReferences, configMapReferences, serviceAccountReferences, roleReferences,
  podSecurity, imagePolicy, readinessProbe, resourceRequests, probeNamedPort, cronSchedule, probeSettings, workloadSettings, statefulSetPortNames,
  rbacEscalation, rbacReadOnly, rbacBroadSubjects, rbacEffectiveAccess, rbacWildcards,
  secretData, credentialsInManifest,
];
