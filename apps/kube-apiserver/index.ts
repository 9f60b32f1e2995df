import { AuditPolicy, AuditPresets, StackDefinition } from '../../lib';

/**
 * The kube-apiserver audit policy (the notes, 001): a file for `--audit-policy-file`, not an API
 * object, so Argo CD, `kubectl apply -k` and the Helm charts leave this folder out; the control
 * plane's configuration management copies `dist/<env>/kube-apiserver/Policy.audit-policy.k8s.yaml`.
 * Based on the GKE policy: metadata only for Secrets and tokens, request bodies for reads,
 * request and response for writes.
 */
export const kubeApiserver: StackDefinition = {
  name: 'kube-apiserver',
  version: '1.0.0',
  define(chart) {
    new AuditPolicy(chart, 'audit', AuditPresets.gke());
  },
};
