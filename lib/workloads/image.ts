import { ImagePolicy } from '../core/environment';
import { Problem } from '../core/problem';

const REFERENCE = /^(?<repository>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;
const COMMIT_SHA = /^(?:[\w.-]*[-_.])?[0-9a-f]{7,40}$/;

/**
 * A parsed container image reference (`registry/repo:tag@sha256:...`).
 *
 * The notes (002): never `latest`, pin tags to a commit hash, so that a change is traceable and
 * `kubectl apply` actually rolls out a new image.
 */
export class Image {
  /** Parses a reference; an unparsable one is kept and reported by {@link problems}. */
  public static of(reference: string): Image {
    return new Image(reference);
  }

  /** The reference as given. */
  public readonly reference: string;
  /** Registry and repository, e.g. `registry.example.com/shop`. */
  public readonly repository?: string;
  /** The tag, if any. */
  public readonly tag?: string;
  /** The `sha256:` digest, if any. */
  public readonly digest?: string;

  private constructor(reference: string) {
    this.reference = reference;
    const match = REFERENCE.exec(reference);
    this.repository = match?.groups?.repository;
    this.tag = match?.groups?.tag;
    this.digest = match?.groups?.digest;
  }

  /** True for a digest reference or a tag that is a commit sha: the bytes behind it never change. */
  public get immutable(): boolean {
    return this.digest !== undefined || (this.tag !== undefined && COMMIT_SHA.test(this.tag));
  }

  /** `IfNotPresent` for immutable references (a node's copy is the right one), `Always` otherwise. */
  public get pullPolicy(): 'IfNotPresent' | 'Always' {
    return this.immutable ? 'IfNotPresent' : 'Always';
  }

  /** What the environment's image policy says about this reference. */
  public problems(field: string, policy: ImagePolicy): Problem[] {
    if (this.repository === undefined) {
      return [{ field, value: this.reference, message: 'is not a valid image reference', fix: 'use registry/repository:tag or repository@sha256:<digest>' }];
    }
    if (this.tag === undefined && this.digest === undefined) {
      return [{ field, value: this.reference, message: 'has no tag, so it means :latest', fix: 'pin a version tag, e.g. a commit sha, or a @sha256: digest' }];
    }
    if (this.tag === 'latest' && this.digest === undefined) {
      return [{ field, value: this.reference, message: 'uses the mutable :latest tag', fix: 'pin a version tag, e.g. a commit sha, or a @sha256: digest' }];
    }
    if (policy === ImagePolicy.IMMUTABLE && !this.immutable) {
      return [{
        field,
        value: this.reference,
        message: 'is mutable, but this environment requires an immutable image (commit-sha tag or digest)',
        fix: 'tag the image with its commit sha (7-40 hex characters) or append @sha256:<digest>',
      }];
    }
    return [];
  }
}
