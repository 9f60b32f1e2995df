import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceMonitor as ServiceMonitorResource } from '../../imports/monitoring-monitoring.coreos.com';
import { AppChart } from '../core/app-chart';
import { Labels } from '../core/labels';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { Service } from './service';
import { z } from 'zod';
import { checkProps, constructId, instanceOf, str, stringMap } from '../core/schema';

/** Runtime shape of {@link ServiceMonitorProps}. @internal */
export const ServiceMonitorPropsSchema = z.strictObject({
  service: instanceOf(Service, 'a Service of this library'),
  port: str.optional(),
  path: str.optional(),
  interval: str.optional(),
  prometheusLabels: stringMap.optional(),
  name: str.optional(),
});

/** Props of a {@link ServiceMonitor}. */
export interface ServiceMonitorProps {
  /** The Service whose endpoints Prometheus scrapes; it must belong to the same app stack. */
  readonly service: Service;
  /**
   * Name of the Service port serving metrics (the Prometheus Operator selects ports by name).
   * @default 'metrics'
   */
  readonly port?: string;
  /**
   * HTTP path of the metrics.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Scrape interval, e.g. `30s`, `1m`.
   * @default '30s'
   */
  readonly interval?: string;
  /**
   * Labels the Prometheus instance selects ServiceMonitors by (its `serviceMonitorSelector`),
   * e.g. `{ release: 'kube-prometheus-stack' }`.
   * @default - none
   */
  readonly prometheusLabels?: Record<string, string>;
  /**
   * Object name.
   * @default - the Service's name
   */
  readonly name?: string;
}

const DURATION = /^(0|(\d+(ms|s|m|h))+)$/;

/**
 * A Prometheus Operator ServiceMonitor (monitoring.coreos.com/v1, imported from the upstream
 * CRD): Prometheus scrapes the named metrics port of every endpoint of a Service of the stack.
 * Selects the Service by its stable labels in its own namespace, so that Services of other
 * environments or apps are never scraped by mistake.
 */
export class ServiceMonitor extends Construct {
  /** Name of the ServiceMonitor object. */
  public readonly name: string;
  /** The ServiceMonitor object (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, constructId(scope, id));
    checkProps(this, ServiceMonitorPropsSchema, props);
    const chart = AppChart.of(this);
    const service = props.service;
    const port = props.port ?? 'metrics';
    const path = props.path ?? '/metrics';
    const interval = props.interval ?? '30s';
    this.name = props.name ?? service.name;
    this.apiObject = new ServiceMonitorResource(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: { ...chart.labelsFor({ name: this.name, component: 'monitoring' }), ...props.prometheusLabels },
      },
      spec: {
        selector: { matchLabels: Labels.selectorOf(service.labels) },
        namespaceSelector: { matchNames: [chart.environment.namespace] },
        endpoints: [{ port, path, interval }],
      },
    });
    addProblems(this, () => {
      const problems: Problem[] = [...Names.dnsSubdomain('name', this.name)];
      if (AppChart.of(service) !== chart) {
        problems.push({ field: 'service', value: service.node.path, message: `is not a Service of this app (${chart.appName})`, fix: 'create the ServiceMonitor in the stack of the Service' });
      }
      const names = service.ports.map((p) => p.name ?? (typeof p.targetPort === 'string' ? p.targetPort : undefined)).filter((n): n is string => !!n);
      if (!names.includes(port)) {
        problems.push({
          field: 'port',
          value: port,
          message: `is not a named port of Service ${service.name}`,
          fix: names.length ? `use one of ${names.join(', ')}` : 'name the Service port that serves metrics, e.g. "metrics"',
        });
      }
      if (!path.startsWith('/')) {
        problems.push({ field: 'path', value: path, message: 'must start with "/"', fix: 'e.g. "/metrics"' });
      }
      if (!DURATION.test(interval)) {
        problems.push({ field: 'interval', value: interval, message: 'is not a Prometheus duration', fix: 'e.g. "30s" or "1m"' });
      }
      return problems;
    });
  }
}
