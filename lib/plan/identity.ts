/** The API group of an object: `apps` for `apps/v1`, empty for the core group (`v1`). */
export function groupOf(object: any): string {
  const apiVersion = String(object?.apiVersion ?? '');
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/**
 * What makes an object the same object in a cluster: group, kind, namespace and name (not the
 * version: `autoscaling/v1` and `autoscaling/v2` of one HPA are one object).
 */
export function objectKey(object: any): string {
  return `${groupOf(object)}/${object?.kind}/${object?.metadata?.namespace ?? ''}/${object?.metadata?.name}`;
}

/** `Deployment journal-server`: kind and name, for messages. */
export function describeObject(object: any): string {
  return `${object?.kind} ${object?.metadata?.name}`;
}
