import { ClusterRole, ClusterRoleBinding, Deployment, StackDefinition, ServiceAccount, Subject } from '../../lib';
import { image } from '../images';

/**
 * The pod-reader of the notes (000): a ServiceAccount allowed to read pods in every namespace
 * (ClusterRole + ClusterRoleBinding) and a pod running kubectl under it. The only pod of the
 * platform that mounts its token, because it talks to the API server.
 */
export const podReader: StackDefinition = {
  name: 'pod-reader',
  version: '1.0.0',
  define(chart) {
    const account = new ServiceAccount(chart, 'pod-reader');
    const role = new ClusterRole(chart, 'pod-reader-role', {
      name: 'pod-reader',
      rules: [{ resources: ['pods'], verbs: ['get', 'watch', 'list'] }],
      readOnly: true,
    });
    new ClusterRoleBinding(chart, 'pod-reader-binding', { name: 'pod-reader', role, subjects: [Subject.serviceAccount(account)] });
    new Deployment(chart, 'kubectl', {
      name: 'pod-reader',
      // One watcher is enough in every environment.
      replicas: 1,
      serviceAccountName: account.name,
      automountServiceAccountToken: true,
      containers: [{
        name: 'kubectl',
        image: image('kubectl', chart.environment),
        command: ['sh', '-c', 'while true; do echo "check pod..."; kubectl get pod --all-namespaces; sleep 30; done'],
      }],
    });
  },
};
