import { stringify } from 'yaml';
import { createPlatform } from '../../apps/platform';
import { AppChart, Environment, Platform, SynthError } from '../../lib';
import { assertStrictlyValid } from './strict-schema';

/** The three standard environments, as the tests use them. */
export const ENV = {
  dev: Environment.dev({ baseDomain: 'dev.example.com' }),
  stage: Environment.stage({ baseDomain: 'stage.example.com' }),
  prod: Environment.prod({ baseDomain: 'example.com' }),
};

export type EnvName = keyof typeof ENV;

/** Options of {@link render}. */
export interface RenderOptions {
  /** Environment (name of a standard one, or a profile). @default 'dev' */
  readonly environment?: EnvName | Environment;
  /** App name. @default 'test' */
  readonly app?: string;
  /** App version (the default `app.kubernetes.io/version`). @default '0.0.0' */
  readonly version?: string;
  /**
   * Whether the policy engine and the delivery checks run. Off only for tests about something
   * the engine would refuse for reasons beside their point (e.g. raw cdk8s-plus-27 pods, which
   * cannot set a seccomp profile); construct checks and the strict schema always run.
   * @default true
   */
  readonly policy?: boolean;
}

/**
 * The platform `npm run synth` runs (apps/platform.ts: construct checks, the strict schema, the
 * policy engine, the delivery checks), with this one stack in this one environment.
 */
function platformFor(define: (chart: AppChart) => void, options: RenderOptions): Platform {
  const env = options.environment ?? 'dev';
  const environment = typeof env === 'string' ? ENV[env] : env;
  const props = { environments: [environment], stacks: [{ name: options.app ?? 'test', version: options.version, define }] };
  return options.policy === false ? new Platform(props) : createPlatform(props);
}

/**
 * Renders one stack in one environment, in memory (no files, no temp directories), with every
 * check `npm run synth` runs, and checks every object against the test's own strict Kubernetes
 * 1.27 validators. Throws the SynthError on problems.
 */
export function render(define: (chart: AppChart) => void, options: RenderOptions = {}): any[] {
  const objects = platformFor(define, options).render().manifests.map((m) => m.object);
  assertStrictlyValid(objects);
  return objects;
}

/** The problems a stack is refused with (fails the test if it renders). */
export function problemsOf(define: (chart: AppChart) => void, options: RenderOptions = {}): string[] {
  try {
    platformFor(define, options).render();
  } catch (e) {
    if (e instanceof SynthError) return e.problems;
    throw e;
  }
  throw new Error('expected the synth to fail, but it rendered');
}

/** Objects as one multi-document YAML string, the form snapshots are kept in. */
export function toYaml(objects: any[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** One-line snapshot test: renders, validates strictly and snapshots the YAML. */
export function expectSnapshot(define: (chart: AppChart) => void, options: RenderOptions = {}): void {
  expect(toYaml(render(define, options))).toMatchSnapshot();
}

/** Finds one object by kind and name. */
export function find(objects: any[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return found;
}
