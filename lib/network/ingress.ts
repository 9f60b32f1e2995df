import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { Service, ServicePort } from './service';
import { z } from 'zod';
import { bool, checkProps, constructId, oneOf, portRef, str } from '../core/schema';

/** How an Ingress path matches a request path. */
export enum PathType {
  /** Matches the path and everything below it, element by element (`/api` matches `/api/x`, not `/apix`). */
  PREFIX = 'Prefix',
  /** Matches the path exactly. */
  EXACT = 'Exact',
}

/** Where an Ingress path sends its traffic: a Service of the same app and one of its ports. */
export interface IngressBackend {
  /**
   * The Service, a library one or a cdk8s-plus-27 `kplus.Service`; it must belong to the same app
   * stack (chart) as the Ingress.
   */
  readonly service: Service | kplus.Service;
  /**
   * The Service port: its number (`port`) or its name.
   * @default - the Service's only port
   */
  readonly port?: number | string;
}

/** One path of a host. */
export interface IngressPath {
  /** Request path, starting with `/`. */
  readonly path: string;
  /** Where the traffic goes. */
  readonly backend: IngressBackend;
  /**
   * How the path matches.
   * @default PathType.PREFIX
   */
  readonly pathType?: PathType;
}

/** The paths of one host. */
export interface IngressRule {
  /**
   * Host name; use `chart.environment.host('<app>')` so that every environment gets its own
   * domain (the notes: Ingress domains always differ per environment).
   */
  readonly host: string;
  /** Paths; written most specific first, whatever order they are given in. */
  readonly paths: IngressPath[];
}

/** Props of an {@link Ingress}. */
export interface IngressProps {
  /**
   * Object name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `app.kubernetes.io/component`.
   * @default - the name
   */
  readonly component?: string;
  /** Hosts and their paths. Rules for the same host are merged. */
  readonly rules: IngressRule[];
  /**
   * Terminate TLS for every host, with the certificate in the Secret `<host with '.' → '-'>-tls`
   * (created outside the stack, e.g. by cert-manager).
   * @default true
   */
  readonly tls?: boolean;
  /**
   * IngressClass that serves this Ingress.
   * @default - the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
}

/** A Service as an Ingress backend takes it: one of this library, or a cdk8s-plus-27 Service. @internal */
export const IngressServiceSchema = z.custom<Service | kplus.Service>((v) => v instanceof Service || v instanceof kplus.Service, {
  message: 'must be a Service of this library or of cdk8s-plus-27',
  params: { fix: 'pass the Service construct itself' },
});
/** Runtime shape of {@link IngressPath}. @internal */
export const IngressPathSchema = z.strictObject({
  path: str.describe('give an absolute request path, e.g. "/api"'),
  backend: z.strictObject({ service: IngressServiceSchema, port: portRef.optional() }),
  pathType: oneOf(PathType).optional(),
});
/** Runtime shape of {@link IngressRule}. @internal */
export const IngressRuleSchema = z.strictObject({ host: str.describe('use chart.environment.host(\'<app>\')'), paths: z.array(IngressPathSchema) });
/** Runtime shape of {@link IngressProps}; hosts, paths and backends are checked at synth. @internal */
export const IngressPropsSchema = z.strictObject({
  name: str.optional(),
  component: str.optional(),
  rules: z.array(IngressRuleSchema),
  tls: bool.optional(),
  ingressClassName: str.optional(),
});

const WILDCARD_HOST = /^\*\./;
const PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

/**
 * An HTTP(S) Ingress (networking.k8s.io/v1) routing host + path to Services of the same app.
 *
 * Paths are written longest first (Exact before Prefix on the same path), so that a path that
 * contains another, like `/` and `/api`, is matched correctly even by controllers that take the
 * first match (the notes, 002). Bad routes are refused at synth: duplicate host + path + type,
 * backends outside the stack, unknown Service ports, malformed hosts and paths.
 */
export class Ingress extends Construct {
  /** The TLS Secret name a host gets. */
  public static tlsSecretName(host: string): string {
    return `${host.replace(/^\*\./, 'wildcard.').replace(/\./g, '-')}-tls`;
  }

  /** Name of the Ingress object. */
  public readonly name: string;
  /** The Ingress object (escape hatch). */
  public readonly apiObject: ApiObject;
  private readonly chart: AppChart;
  private readonly rules: IngressRule[] = [];

  constructor(scope: Construct, id: string, props: IngressProps) {
    super(scope, constructId(scope, id));
    checkProps(this, IngressPropsSchema, props);
    this.name = props.name ?? id;
    this.chart = AppChart.of(this);
    props.rules.forEach((r) => this.rules.push({ host: r.host, paths: [...r.paths] }));
    const tls = props.tls ?? true;
    this.apiObject = new k8s.KubeIngress(this, 'Resource', {
      metadata: { name: this.name, labels: this.chart.labelsFor({ name: this.name, component: props.component }) },
      spec: {
        ingressClassName: props.ingressClassName,
        tls: Lazy.any({ produce: () => (tls ? this.hosts.map((host) => ({ hosts: [host], secretName: Ingress.tlsSecretName(host) })) : undefined) }),
        rules: Lazy.any({ produce: () => this.renderRules() }),
      },
    });
    addProblems(this, () => this.problems(props));
  }

  /** Adds a path to a host (a new host gets its own rule). */
  public addPath(host: string, path: IngressPath): void {
    checkProps(this, IngressRuleSchema, { host, paths: [path] });
    this.rules.push({ host, paths: [path] });
  }

  /** The hosts, in the order they were first given. */
  public get hosts(): string[] {
    return [...new Set(this.rules.map((r) => r.host))];
  }

  /** The paths of a host, in the order they are written: most specific first, stable. */
  public pathsOf(host: string): IngressPath[] {
    const paths = this.rules.filter((r) => r.host === host).flatMap((r) => r.paths);
    return paths
      .map((p, i) => ({ p, i }))
      .sort((a, b) => b.p.path.length - a.p.path.length
        || rank(a.p) - rank(b.p)
        || (a.p.path < b.p.path ? -1 : a.p.path > b.p.path ? 1 : 0)
        || a.i - b.i)
      .map(({ p }) => p);
  }

  private renderRules(): k8s.IngressRule[] {
    return this.hosts.map((host) => ({
      host,
      http: {
        paths: this.pathsOf(host).map((p) => ({
          path: p.path,
          pathType: p.pathType ?? PathType.PREFIX,
          backend: { service: { name: p.backend.service.name, port: servicePortRef(p.backend) } },
        })),
      },
    }));
  }

  private problems(props: IngressProps): Problem[] {
    const problems: Problem[] = [...Names.dnsSubdomain('name', this.name)];
    if (props.ingressClassName !== undefined) {
      problems.push(...Names.dnsSubdomain('ingressClassName', props.ingressClassName));
    }
    if (this.rules.length === 0) {
      problems.push({ field: 'rules', value: [], message: 'an Ingress needs at least one host with one path', fix: 'add a rule, e.g. { host: chart.environment.host(\'app\'), paths: [...] }' });
    }
    const seen = new Set<string>();
    this.rules.forEach((rule, r) => {
      const hostField = `rules[${r}].host`;
      const bareHost = rule.host.replace(WILDCARD_HOST, '');
      if (Names.dnsSubdomain(hostField, bareHost).length || !bareHost.includes('.')) {
        problems.push({
          field: hostField,
          value: rule.host,
          message: 'must be a fully qualified DNS name (optionally starting with "*."), without port or scheme',
          fix: 'use chart.environment.host(\'<app>\'), e.g. "journal.dev.example.com"',
        });
      }
      if (props.tls !== false) {
        problems.push(...Names.dnsSubdomain(`${hostField} (TLS secret name)`, Ingress.tlsSecretName(rule.host)));
      }
      if (rule.paths.length === 0) {
        problems.push({ field: `rules[${r}].paths`, value: [], message: 'a host needs at least one path', fix: 'add { path: \'/\', backend: { service } }' });
      }
      rule.paths.forEach((p, i) => {
        const field = `rules[${r}].paths[${i}]`;
        const type = p.pathType ?? PathType.PREFIX;
        if (!PATH.test(p.path)) {
          problems.push({ field: `${field}.path`, value: p.path, message: 'must start with "/" and contain only URL path characters', fix: 'write an absolute path such as "/api"' });
        }
        const key = `${rule.host} ${p.path} ${type}`;
        if (seen.has(key)) {
          problems.push({
            field: `${field}.path`,
            value: `${rule.host}${p.path}`,
            message: `is routed twice (pathType ${type}); the controller would pick one silently`,
            fix: 'keep one route per host, path and pathType',
          });
        }
        seen.add(key);
        problems.push(...this.backendProblems(`${field}.backend`, p.backend));
      });
    });
    return problems;
  }

  private backendProblems(field: string, backend: IngressBackend): Problem[] {
    const service = backend.service;
    if (AppChart.of(service) !== this.chart) {
      return [{
        field: `${field}.service`,
        value: service.node.path,
        message: `is not a Service of this app (${this.chart.appName}); an Ingress only routes to its own stack`,
        fix: 'create the Service in the same stack as the Ingress',
      }];
    }
    const ports = portsOf(service);
    if (backend.port === undefined) {
      return ports.length === 1 ? [] : [{
        field: `${field}.port`,
        value: undefined,
        message: `must be given: Service ${service.name} has ${ports.length} ports`,
        fix: `name one of ${describePorts(ports)}`,
      }];
    }
    return findPort(ports, backend.port) ? [] : [{
      field: `${field}.port`,
      value: backend.port,
      message: `is not a port of Service ${service.name}`,
      fix: `use one of ${describePorts(ports)}`,
    }];
  }
}

/** Exact before Prefix, so that the exact route of a path wins over its prefix route. */
function rank(p: IngressPath): number {
  return (p.pathType ?? PathType.PREFIX) === PathType.EXACT ? 0 : 1;
}

function portName(p: ServicePort): string | undefined {
  return p.name ?? (typeof p.targetPort === 'string' ? p.targetPort : undefined);
}

/** The ports of a library or cdk8s-plus-27 Service, in the library's terms. */
function portsOf(service: Service | kplus.Service): readonly ServicePort[] {
  return service instanceof Service ? service.ports : service.ports.map((p) => ({ port: p.port, targetPort: p.targetPort, name: p.name }));
}

function findPort(ports: readonly ServicePort[], port: number | string): ServicePort | undefined {
  return ports.find((p) => (typeof port === 'number' ? p.port === port : portName(p) === port));
}

function servicePortRef(backend: IngressBackend): k8s.ServiceBackendPort {
  const port = backend.port ?? portsOf(backend.service)[0]?.port;
  return typeof port === 'string' ? { name: port } : { number: port };
}

function describePorts(ports: readonly ServicePort[]): string {
  return ports.map((p) => (portName(p) ? `${p.port} ("${portName(p)}")` : `${p.port}`)).join(', ') || 'none (the Service has no ports)';
}
