import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AppChart } from './app-chart';

/**
 * Strips the namespace an AppChart gives every object, for cluster-scoped objects (Namespace,
 * ClusterRole, ClusterRoleBinding) and for files that are not API objects (the audit Policy).
 * `add` before `remove` makes the patch safe whether or not the field was set.
 */
export function dropNamespace(apiObject: ApiObject): void {
  apiObject.addJsonPatch(JsonPatch.add('/metadata/namespace', ''), JsonPatch.remove('/metadata/namespace'));
}

/** Strips every label (the chart's and the standard ones), for files read by the API server itself. */
export function dropLabels(apiObject: ApiObject): void {
  apiObject.addJsonPatch(JsonPatch.add('/metadata/labels', {}), JsonPatch.remove('/metadata/labels'));
}

/**
 * The name of a cluster-scoped object: prefixed with the environment (`dev-pod-reader`), because
 * several environments may share one cluster and cluster-scoped names do not live in the
 * environment's namespace. Outside an AppChart the name is kept as given.
 */
export function clusterScopedName(scope: IConstruct, name: string): string {
  const chart = scope.node.scopes.find((s) => s instanceof AppChart) as AppChart | undefined;
  if (!chart) return name;
  return `${chart.environment.name}-${name}`;
}
