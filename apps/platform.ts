import { Platform, PlatformProps, PolicyEngine } from '../lib';
import { environments } from './environments';
import { stacks } from './stacks';

/** The shipped platform: every environment × every stack. Tests pass overrides (an extra environment). */
export function createPlatform(overrides: Partial<PlatformProps> = {}): Platform {
  return new Platform({ environments, stacks, checks: [new PolicyEngine()], ...overrides });
}
