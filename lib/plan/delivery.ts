/** How Argo CD syncs one folder of the output, read from the Application pointing at it. */
export interface FolderDelivery {
  /** The Application's name. */
  readonly application: string;
  readonly automated: boolean;
  /** Automated sync deletes what was removed from Git. */
  readonly prune: boolean;
}

/** The Argo CD Applications of a rendering, by the output folder they sync. */
export class ArgoCdIndex {
  private readonly byFolder = new Map<string, FolderDelivery>();

  /** `outdir`: the folder Applications name in `spec.source.path` (e.g. `dist`). */
  constructor(objects: readonly any[], private readonly outdir: string) {
    for (const o of objects) {
      if (o?.kind !== 'Application' || !String(o.apiVersion ?? '').startsWith('argoproj.io/')) continue;
      const automated = o.spec?.syncPolicy?.automated;
      const delivery = { application: o.metadata?.name, automated: !!automated, prune: !!automated?.prune };
      for (const source of [o.spec?.source, ...(o.spec?.sources ?? [])]) {
        if (typeof source?.path === 'string') this.byFolder.set(normalize(source.path), delivery);
      }
    }
  }

  /** The delivery of `<outdir>/<folder>` (e.g. folder `prod/journal`). */
  public of(folder: string): FolderDelivery | undefined {
    return this.byFolder.get(normalize(`${this.outdir}/${folder}`));
  }

  /** One line for an environment: how its apps are synced, e.g. `Argo CD, automated sync with prune`. */
  public describe(environment: string): string | undefined {
    const prefix = normalize(`${this.outdir}/${environment}`) + '/';
    const modes = new Set([...this.byFolder].filter(([folder]) => folder.startsWith(prefix)).map(([, d]) => mode(d)));
    return modes.size ? `Argo CD, ${[...modes].sort().join(' / ')}` : undefined;
  }
}

/** What happens to an object removed from the folder a delivery syncs. */
export function pruneReason(delivery: FolderDelivery | undefined, folder: string): string {
  if (!delivery) return `removed from Git; no Argo CD Application syncs ${folder}, so nothing deletes it from the cluster (kubectl apply -k does not prune): delete it by hand`;
  if (delivery.prune) return `removed from Git: Argo CD (${delivery.application}, automated sync with prune) deletes it from the cluster at the next sync`;
  if (delivery.automated) return `removed from Git: Argo CD (${delivery.application}) syncs automatically but without prune: it keeps running, marked as requiring pruning, until deleted by hand`;
  return `removed from Git: Argo CD (${delivery.application}, manual sync) marks it as requiring pruning; it is deleted when someone syncs with prune`;
}

function mode(d: FolderDelivery): string {
  return d.prune ? 'automated sync with prune' : d.automated ? 'automated sync without prune' : 'manual sync';
}

function normalize(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '');
}
