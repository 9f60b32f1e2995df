import { Platform, SynthError } from '../../lib';

/** The problems a whole platform is refused with (fails the test if it renders). */
export function refusalOf(platform: Platform): string[] {
  try {
    platform.render();
  } catch (e) {
    if (e instanceof SynthError) return e.problems;
    throw e;
  }
  throw new Error('expected the render to fail, but it rendered');
}

/** One hand-written bad input: the platform that holds it and where its problem must be reported. */
export interface BadInput {
  readonly name: string;
  readonly platform: Platform;
  /** Construct path inside the brackets, e.g. `dev/test/lr`. */
  readonly path: string;
  readonly field: string;
  readonly value: unknown;
}

/** Asserts the platform is refused with a line naming path, field and value, and giving a fix. */
export function expectRefusal(bad: BadInput): void {
  const problems = refusalOf(bad.platform);
  const prefix = `[${bad.path}] ${bad.field}: `;
  const got = `(got ${bad.value === undefined ? 'nothing' : JSON.stringify(bad.value)}). Fix: `;
  // A check that is policy names its rule before the field (`[path] PLT072 field: ...`).
  const line = problems.map((p) => p.replace(/^(\[[^\]]*\] )PLT[0-9]{3} /, '$1')).find((p) => p.startsWith(prefix) && p.includes(got));
  if (!line) throw new Error(`expected a line starting ${JSON.stringify(prefix)} containing ${JSON.stringify(got)}, got:\n  ${problems.join('\n  ')}`);
  expect(line.slice(line.indexOf('. Fix: ') + 7).trim().length).toBeGreaterThan(3);
}
