import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ExistingSecret } from '../config/existing-secret';
import { formatProblem } from '../core/problem';

/** One rendered object and the construct that made it. */
export interface RecordedObject {
  /** `apiVersion` as rendered. */
  readonly apiVersion: string;
  /** `kind` as rendered. */
  readonly kind: string;
  /** `metadata.namespace` as rendered; empty when the object names none. */
  readonly namespace: string;
  /** `metadata.name` as rendered. */
  readonly name: string;
  /** Construct path of the ApiObject. */
  readonly path: string;
}

/** A Secret the app reads but does not render (an {@link ExistingSecret}). */
export interface RecordedDeclaration {
  /** Namespace of the chart that declares it; empty when the chart names none. */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly name: string;
  /** Construct path of the declaration. */
  readonly path: string;
}

/** The contents of `policy-metadata.json`. */
export interface PolicyMetadataFile {
  /** Format version, 1. */
  readonly version: 1;
  /** Every rendered object. */
  readonly objects: RecordedObject[];
  /** Secrets declared as existing outside the app. */
  readonly existingSecrets: RecordedDeclaration[];
}

/**
 * Records, next to the manifests, which construct rendered each object (by apiVersion, kind,
 * namespace and name) and which Secrets the app declares as existing elsewhere, for the
 * {@link PolicyValidation} plugin. cdk8s hands plugins construct paths keyed by object name
 * only, so without this record two objects named `web` (a Deployment and its Service) cannot be
 * told apart. Add it once to a cdk8s app: `new PolicyMetadata(app, 'policy-metadata')`; the file
 * is written when `app.synth()` validates the app.
 */
export class PolicyMetadata extends Construct {
  /** Name of the file written into the app's output folder. */
  public static readonly FILE_NAME = 'policy-metadata.json';

  /** Reads a record written by {@link PolicyMetadata}; undefined when the file is missing or of another format. */
  public static read(file: string): PolicyMetadataFile | undefined {
    if (!fs.existsSync(file)) return undefined;
    const contents = JSON.parse(fs.readFileSync(file, 'utf-8'));
    return contents?.version === 1 && Array.isArray(contents.objects) ? contents : undefined;
  }

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // App.synth() runs validations after creating the output folder and before writing manifests.
    this.node.addValidation({
      validate: () => {
        const app = this.node.root as App;
        // Duck-typed: the app may use another copy of cdk8s than this library.
        if (typeof app.outdir !== 'string' || typeof (app as any).synth !== 'function') {
          return [formatProblem({ field: 'scope', value: app.constructor.name, message: 'is not a cdk8s App', fix: 'add PolicyMetadata to the App: new PolicyMetadata(app, \'policy-metadata\')' })];
        }
        fs.mkdirSync(app.outdir, { recursive: true });
        fs.writeFileSync(path.join(app.outdir, PolicyMetadata.FILE_NAME), JSON.stringify(record(app)));
        return [];
      },
    });
  }
}

function record(app: App): PolicyMetadataFile {
  const constructs = app.node.findAll();
  const objects = constructs.filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => {
    const json = o.toJson();
    return {
      apiVersion: String(json.apiVersion ?? ''),
      kind: String(json.kind ?? ''),
      namespace: String(json.metadata?.namespace ?? ''),
      name: String(json.metadata?.name ?? ''),
      path: o.node.path,
    };
  });
  const existingSecrets = constructs.filter((c): c is ExistingSecret => c instanceof ExistingSecret).map((s) => ({
    namespace: s.node.scopes.filter((c): c is Chart => Chart.isChart(c)).pop()?.namespace ?? '',
    name: s.name,
    path: s.node.path,
  }));
  return { version: 1, objects, existingSecrets };
}
