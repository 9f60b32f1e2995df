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
