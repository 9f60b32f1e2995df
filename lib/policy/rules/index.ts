import { annotationGrammar, duplicateObjects, labelGrammar, objectNames } from './metadata';
import { configMapReferences, roleReferences, secretReferences, serviceAccountReferences } from './references';
import { hpaRequests, hpaTargetExists, hpaTargetReplicas, statefulSetService } from './scaling';
import { affinitySelector, networkPolicySelector, pdbSelector } from './selectors';
import { ingressBackendPort, ingressBackendService, serviceSelector, serviceTargetPorts } from './services';
import { onePdbPerPod } from './disruption';
import { livenessDiffersFromReadiness, probePortDeclared, statefulSetPortNames } from './pod-policy';
import { kubernetesSchema } from './schema';
import { waiverRule } from './waivers';
import { imagePolicy, podSecurity, readinessProbe, resourceRequests } from './workloads';
import { Rule } from '../rule';

/** Every rule of the platform, in id order: the catalogue docs/rules.md is generated from. */
export const PLATFORM_RULES: readonly Rule[] = [
  waiverRule,
  objectNames, labelGrammar, annotationGrammar, duplicateObjects, kubernetesSchema,
  serviceSelector, serviceTargetPorts, ingressBackendService, ingressBackendPort,
  hpaTargetExists, hpaTargetReplicas, hpaRequests, statefulSetService,
  pdbSelector, networkPolicySelector, affinitySelector, onePdbPerPod,
  secretReferences, configMapReferences, serviceAccountReferences, roleReferences,
  podSecurity, imagePolicy, readinessProbe, resourceRequests,
  livenessDiffersFromReadiness, probePortDeclared, statefulSetPortNames,
];
