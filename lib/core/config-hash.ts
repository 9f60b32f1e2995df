import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { AppChart } from './app-chart';
import { ConstructTree } from './construct-tree';
import { ConfigMap } from '../config/config-map';
import { Annotations } from './labels';
import { podConfigReferences } from '../policy/checks/pod-references';

/** A ConfigMap or Secret a pod reads: by env key, envFrom or volume. */
export interface ConfigReference {
  /** ConfigMap or Secret. */
  readonly kind: 'ConfigMap' | 'Secret';
  /** Its name. */
  readonly name: string;
  /**
   * The key read.
   * @default - every key
   */
  readonly key?: string;
  /**
   * Whether the pod starts without it.
   * @default false
   */
  readonly optional?: boolean;
  /** Where the pod reads it, for messages. */
  readonly field: string;
}

/**
 * A ConfigMap or Secret the stack defines or declares, as pods see it. Constructs implement it so
 * that pods referring to them by name get their keys checked and roll when their content changes.
 */
export interface IConfigSource extends IConstruct {
  /** ConfigMap or Secret. */
  readonly configKind: 'ConfigMap' | 'Secret';
  /** Object name. */
  readonly name: string;
  /** The keys it holds; `undefined` when only the cluster knows. */
  readonly keys?: readonly string[];
  /** Hash of what it holds; `undefined` when the stack does not know the content. */
  readonly contentHash?: string;
}

/** What pods need to know of a config source. */
export type ConfigSourceInfo = Pick<IConfigSource, 'configKind' | 'name' | 'keys' | 'contentHash'>;

function isConfigSource(c: IConstruct): c is IConfigSource {
  const kind = (c as Partial<IConfigSource>).configKind;
  return (kind === 'ConfigMap' || kind === 'Secret') && typeof (c as Partial<IConfigSource>).name === 'string';
}

/** The ConfigMaps and Secrets of the app chart `scope` is in, by `Kind/name`. */
export function configSourcesOf(scope: IConstruct): Map<string, ConfigSourceInfo> {
  const sources = new Map<string, ConfigSourceInfo>();
  for (const c of ConstructTree.findAll(AppChart.of(scope))) {
    if (c instanceof ConfigMap) {
      // Hashed when asked for: the pods' reference checks read only the keys.
      const configMap = c;
      sources.set(`ConfigMap/${c.name}`, { configKind: 'ConfigMap', name: c.name, keys: Object.keys(c.data), get contentHash() { return configMap.contentHash; } });
    } else if (c instanceof kplus.ConfigMap) {
      // A cdk8s-plus-27 ConfigMap: its keys are checked and its pods roll on a change, like the library's.
      const data = { ...c.data, ...c.binaryData };
      sources.set(`ConfigMap/${c.name}`, { configKind: 'ConfigMap', name: c.name, keys: Object.keys(data), contentHash: hashOf(data) });
    } else if (isConfigSource(c)) {
      sources.set(`${c.configKind}/${c.name}`, c);
    }
  }
  return sources;
}

/**
 * The value of the `Annotations.CONFIG_HASH` pod annotation: one hash over the content of every
 * ConfigMap and Secret of the stack the pod reads, so a change to any of them changes the pod
 * template and rolls the pods (the notes, 002: otherwise a config change needs a manual
 * redeploy). `undefined` when the pod reads none whose content the stack knows.
 */
export function configHash(scope: IConstruct, references: readonly ConfigReference[]): string | undefined {
  const sources = configSourcesOf(scope);
  const parts = [...new Set(references.map((r) => `${r.kind}/${r.name}`))]
    .sort()
    .flatMap((id) => {
      const hash = sources.get(id)?.contentHash;
      return hash === undefined ? [] : [`${id}=${hash}`];
    });
  return parts.length ? createHash('sha256').update(parts.join('\n')).digest('hex') : undefined;
}

/** SHA-256 of key-value data, stable across key order (as the library's ConfigMap hashes its data). */
function hashOf(data: Record<string, string>): string {
  const sorted = Object.keys(data).sort().map((k) => [k, data[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/**
 * Gives a cdk8s-plus-27 workload's pods the config-hash annotation the library's workloads get,
 * over the ConfigMaps and Secrets of the stack they read (found in its rendered pod spec), so
 * that they roll on a config change too. Idempotent.
 */
export function rollOnConfigChange(workload: kplus.Workload): void {
  let json: any;
  try {
    json = ApiObject.of(workload).toJson();
  } catch {
    return; // the synth reports what cannot be rendered
  }
  const pod = json?.kind === 'CronJob' ? json.spec?.jobTemplate?.spec?.template?.spec : json?.spec?.template?.spec;
  // As a library pod's: what its processes read (env, envFrom, volumes), not its pull secrets.
  const hash = configHash(workload, podConfigReferences(pod, 'spec').filter((r) => r.via !== 'imagePullSecrets'));
  if (hash !== undefined) workload.podMetadata.addAnnotation(Annotations.CONFIG_HASH, hash);
}
