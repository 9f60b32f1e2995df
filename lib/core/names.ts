import { Problem } from './problem';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The API server's name grammars (k8s.io/apimachinery/pkg/util/validation), as problem lists so
 * that constructs and the policy engine report them the same way.
 */
export class Names {
  /** A DNS-1123 label: Namespaces, Services, container and port names, most object names. */
  public static dnsLabel(field: string, value: string, maxLength = 63): Problem[] {
    if (typeof value !== 'string') return notAString(field, value);
    if (value.length > maxLength || !DNS1123_LABEL.test(value)) {
      return [{
        field,
        value,
        message: `must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending alphanumeric, at most ${maxLength} characters)`,
        fix: `rename it, e.g. ${JSON.stringify(Names.suggest(value, maxLength))}`,
      }];
    }
    return [];
  }

  /** A DNS-1123 subdomain: ConfigMap, Secret, Deployment and most other object names. */
  public static dnsSubdomain(field: string, value: string): Problem[] {
    if (typeof value !== 'string') return notAString(field, value);
    if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
      return [{
        field,
        value,
        message: 'must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters)',
        fix: `rename it, e.g. ${JSON.stringify(Names.suggest(value, 253))}`,
      }];
    }
    return [];
  }

  /** A label or annotation key: an optional DNS subdomain prefix and a name of at most 63 characters. */
  public static qualifiedName(field: string, key: string): Problem[] {
    if (typeof key !== 'string') return notAString(field, key);
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const problems: Problem[] = [];
    if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
      problems.push({ field, value: key, message: 'key prefix must be a DNS-1123 subdomain', fix: 'use a lower-case domain prefix such as "example.com/"' });
    }
    if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
      problems.push({
        field,
        value: key,
        message: 'key name must be at most 63 characters of letters, digits, \'-\', \'_\' and \'.\', starting and ending alphanumeric',
        fix: 'shorten or rename the key',
      });
    }
    return problems;
  }

  /** A label value: empty, or at most 63 characters of letters, digits, '-', '_' and '.', alphanumeric at both ends. */
  public static labelValue(field: string, value: string): Problem[] {
    if (typeof value !== 'string') return notAString(field, value);
    if (value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
      return [{
        field,
        value,
        message: 'must be a label value (at most 63 characters of letters, digits, \'-\', \'_\' and \'.\', alphanumeric at both ends)',
        fix: 'shorten it or replace other characters with \'-\'',
      }];
    }
    return [];
  }

  /** An environment variable name (C identifier-ish, as the API server accepts). */
  public static envVarName(field: string, value: string): Problem[] {
    if (typeof value !== 'string') return notAString(field, value);
    if (!ENV_VAR_NAME.test(value)) {
      return [{ field, value, message: 'must be a valid environment variable name', fix: 'use letters, digits, \'_\', \'-\' and \'.\', not starting with a digit' }];
    }
    return [];
  }

  /** Turns an arbitrary string into a DNS-1123 label, for suggestions in error messages. */
  public static suggest(value: string, maxLength = 63): string {
    if (typeof value !== 'string') return 'name';
    const cleaned = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
    return (cleaned || 'name').slice(0, maxLength).replace(/-+$/, '');
  }
}

function notAString(field: string, value: unknown): Problem[] {
  return [{ field, value: typeof value === 'number' || typeof value === 'boolean' || value === null ? value : typeof value, message: 'must be a string', fix: 'give the name as a string' }];
}
