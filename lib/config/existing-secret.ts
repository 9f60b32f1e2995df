import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IConfigSource } from '../core/config-hash';
import { ConstructTree } from '../core/construct-tree';
import { EnvValue } from '../workloads/env-value';
import { Names } from '../core/names';
import { addProblems } from '../core/problem';
import { z } from 'zod';
import { checkProps, constructId, str } from '../core/schema';
import { ProjectedVolumeOptions, Volume } from '../workloads/volume';
import { SecretReference } from './secret-reference';

/** Runtime shape of {@link ExistingSecretProps}. @internal */
export const ExistingSecretPropsSchema = z.strictObject({
  name: str,
  keys: z.array(str).describe('list the keys the Secret holds, e.g. ["password"]'),
  createdBy: str.describe('say who creates the Secret, e.g. "the redis operator"'),
});

/** Props of an {@link ExistingSecret}. */
export interface ExistingSecretProps {
  /** Name of the Secret in the environment's namespace. */
  readonly name: string;
  /** The keys it holds; pods reading any other key are refused at synth. */
  readonly keys: string[];
  /** Who creates it (an operator, a runbook, `kubectl create secret`), for the reader. */
  readonly createdBy: string;
}

/**
 * A Secret made outside the stack (by an operator, or by hand per the runbook) that pods of the
 * stack read. Nothing is rendered: the declaration lets pods refer to it by object, and lets the
 * synth check the keys they read. A pure declaration, so it works in any cdk8s Chart (not only an
 * AppChart): apps written with plain cdk8s or cdk8s-plus-27 declare their Secrets this way for the
 * validation plugin (through `PolicyMetadata`). cdk8s-plus-27 constructs take it as a
 * `kplus.ISecret` (see {@link SecretReference}).
 */
export class ExistingSecret extends SecretReference implements IConfigSource {
  public readonly configKind = 'Secret';
  public readonly name: string;
  public readonly keys: readonly string[];
  /** Who creates the Secret, for the reader. */
  public readonly createdBy: string;

  constructor(scope: Construct, id: string, props: ExistingSecretProps) {
    super(scope, constructId(scope, id));
    checkProps(this, ExistingSecretPropsSchema, props);
    this.name = props.name;
    this.keys = [...props.keys];
    this.createdBy = props.createdBy;
    const chart = Chart.of(this);
    addProblems(this, () => [
      ...Names.dnsSubdomain('name', this.name),
      ...(this.keys.length ? [] : [{ field: 'keys', value: [], message: 'declares no keys', fix: 'list the keys the Secret holds' }]),
      ...ConstructTree.findAll(chart)
        .filter((c) => c !== this && (c as Partial<IConfigSource>).configKind === 'Secret' && (c as IConfigSource).name === this.name)
        .map((c) => ({
          field: 'name',
          value: this.name,
          message: `is also a Secret the stack makes (${c.node.path}), so it does not exist outside the stack`,
          fix: 'drop the ExistingSecret declaration and read the Secret the stack makes',
        })),
    ]);
  }

  /** One key as an environment variable (`secretKeyRef`): the value stays in the cluster. */
  public env(key: string): EnvValue {
    return EnvValue.fromSecret(this.name, key);
  }

  /** The Secret as a volume (files read-only, mode 0400 unless given). */
  public volume(volumeName: string, options: ProjectedVolumeOptions = {}): Volume {
    return Volume.fromSecret(volumeName, this.name, options);
  }
}
