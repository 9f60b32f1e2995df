import { Environment, ImagePolicy } from '../lib';

/**
 * Image references of the apps. CI replaces these pins when it builds a new image: a readable
 * tag where the environment allows one, the digest where it requires an immutable reference.
 */
const IMAGES = {
  journalServer: { tag: 'brendanburns/journal-server:v1.4.2', digest: 'brendanburns/journal-server@sha256:6bd5a8b31f5d2b02a2a7a8f3c56b1e8d3c8a3e1f94dbb1f7ee02f5c0a4d71c3e' },
} as const;

/** The reference of an app image that satisfies the environment's image policy. */
export function image(name: keyof typeof IMAGES, environment: Environment): string {
  const pin = IMAGES[name];
  return environment.imagePolicy === ImagePolicy.IMMUTABLE ? pin.digest : pin.tag;
}
