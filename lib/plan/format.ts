import { ChangeClass, CHANGE_CLASSES, EnvironmentPlan, FieldChange, ObjectChange, Plan } from './model';

/** What is printed above a plan: what was compared, and how. */
export interface PlanHeader {
  /** e.g. `base 1a2b3c4 (merge base with main) → working tree`. */
  readonly title: string;
  /** Further lines: how the base was rendered, whether its committed dist/ is current. */
  readonly notes?: readonly string[];
}

/** Limits of the Markdown output, which a CI job summary caps at 1 MiB. */
export interface MarkdownLimits {
  /**
   * Objects per environment shown with their reasons and field diff; later ones are listed by name only.
   * @default 200
   */
  readonly objectsPerEnvironment?: number;
  /**
   * Field changes shown per object.
   * @default 40
   */
  readonly fieldsPerObject?: number;
  /**
   * Characters of output after which objects are listed by name only, and the list itself is cut
   * (GitHub takes at most 1 MiB of job summary per step).
   * @default 900000
   */
  readonly maxLength?: number;
}

const MAX_VALUE = 160;
const SIGN: Record<ObjectChange['action'], string> = { add: '+', remove: '-', change: '~' };

/** The plan as JSON: the {@link Plan} with its header, for tools. */
export function formatJson(plan: Plan, header: PlanHeader): string {
  return JSON.stringify({ title: header.title, notes: header.notes ?? [], changed: plan.changed, environments: plan.environments }, null, 2) + '\n';
}

/** The plan for a terminal: summary table first, then each environment; ANSI colour when `color`. */
export function formatTerminal(plan: Plan, header: PlanHeader, color: boolean): string {
  const c = colors(color);
  const lines: string[] = [c.bold(`Plan: ${header.title}`), ...(header.notes ?? []).map((n) => c.dim(n)), ''];
  if (!plan.changed) {
    lines.push('No changes in any environment.');
    return lines.join('\n') + '\n';
  }
  const table = summaryRows(plan);
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const [n, row] of table.entries()) {
    const cells = row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])));
    lines.push(n === 0 ? c.bold(cells.join('  ')) : cells.join('  '));
  }
  for (const env of plan.environments) {
    lines.push('', c.bold(`${env.environment}${statusText(env)}${env.delivery ? ` (${env.delivery})` : ''}`));
    if (!env.changes.length && !env.quotas.length) lines.push('  no changes');
    for (const change of env.changes) {
      const sign = change.action === 'add' ? c.green('+') : change.action === 'remove' ? c.red('-') : c.yellow('~');
      lines.push(`  ${sign} ${objectTitle(change)}  ${change.classes.map((k) => classColor(c, k.class)(k.class)).filter(unique).join(', ')}`);
      for (const k of change.classes) {
        lines.push(`      ${classColor(c, k.class)(k.class)}: ${k.reason}`);
        for (const d of k.details ?? []) lines.push(`        ${d.startsWith('+') ? c.green(d) : d.startsWith('-') ? c.red(d) : d}`);
      }
      for (const line of fieldLines(change.fields)) lines.push(`      ${line.startsWith('+') ? c.green(line) : line.startsWith('-') ? c.red(line) : line}`);
    }
    for (const q of env.quotas) {
      lines.push(`  ${c.yellow('~')} ResourceQuota ${q.quota} (namespace ${q.namespace})  ${classColor(c, 'quota')('quota')}`);
      for (const r of q.resources) lines.push(`      ${r.exceeded ? c.red(quotaLine(r)) : quotaLine(r)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The plan as Markdown, for a pull-request comment or a CI job summary. */
export function formatMarkdown(plan: Plan, header: PlanHeader, limits: MarkdownLimits = {}): string {
  const maxObjects = limits.objectsPerEnvironment ?? 200;
  const maxFields = limits.fieldsPerObject ?? 40;
  const maxLength = limits.maxLength ?? 900_000;
  const out: string[] = [`## Plan: ${escape(header.title)}`, ''];
  let length = 0;
  const push = (...lines: string[]) => {
    out.push(...lines);
    length += lines.reduce((n, l) => n + l.length + 1, 0);
  };
  for (const note of header.notes ?? []) out.push(`> ${escape(note)}`, '>');
  if (header.notes?.length) out.pop();
  if (header.notes?.length) out.push('');
  if (!plan.changed) {
    out.push('No changes in any environment.');
    return out.join('\n') + '\n';
  }
  const table = summaryRows(plan);
  out.push(`| ${table[0].join(' | ')} |`, `| --- |${' ---: |'.repeat(table[0].length - 1)}`);
  for (const row of table.slice(1)) out.push(`| ${row.map((cell, i) => (i === 0 ? `**${cell}**` : cell)).join(' | ')} |`);
  for (const env of plan.environments) {
    out.push('', `### ${env.environment}${statusText(env)}${env.delivery ? ` (${env.delivery})` : ''}`, '');
    if (!env.changes.length && !env.quotas.length) out.push('No changes.');
    for (const [i, change] of env.changes.entries()) {
      if (i >= maxObjects || length > maxLength) {
        const rest = env.changes.slice(i);
        const names: string[] = [];
        let namesLength = 0;
        for (const [n, ch] of rest.entries()) {
          if (length + namesLength > maxLength * 1.1) {
            names.push(`and ${rest.length - n} more (see --format json)`);
            break;
          }
          names.push(`\`${SIGN[ch.action]} ${ch.kind.split('/')[1]} ${ch.name}\` (${ch.classes.map((k) => k.class).filter(unique).join(', ')})`);
          namesLength += names[names.length - 1].length + 2;
        }
        push(`And ${rest.length} more, by name only: ${names.join(', ')}`, '');
        break;
      }
      push(`#### \`${SIGN[change.action]}\` ${escape(objectTitle(change))} · ${change.classes.map((k) => `**${k.class}**`).filter(unique).join(', ')}`, '');
      for (const k of change.classes) {
        push(`- **${k.class}**: ${escape(k.reason)}`);
        for (const d of k.details ?? []) push(`  - \`${d.replace(/`/g, "'")}\``);
      }
      const fields = fieldLines(change.fields);
      if (fields.length) {
        const shown = fields.slice(0, maxFields * 2);
        push('', `<details><summary>${change.fields.length} field change${change.fields.length === 1 ? '' : 's'}</summary>`, '', '```diff', ...shown, ...(fields.length > shown.length ? [`# … ${fields.length - shown.length} more lines (see --format json)`] : []), '```', '', '</details>');
      }
      push('');
    }
    for (const q of env.quotas) {
      out.push(`#### \`~\` ResourceQuota ${escape(q.quota)} (namespace ${escape(q.namespace)}) · **quota**`, '', '| resource | before | after | quota | after / quota |', '| --- | ---: | ---: | ---: | ---: |');
      for (const r of q.resources) out.push(`| ${r.resource} | ${r.before} | ${r.after} | ${r.hard} | ${r.exceeded ? `**${r.percent} % (exceeded)**` : `${r.percent} %`} |`);
      out.push('');
    }
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** Header row, then one row per environment: objects per class, `·` for none. */
function summaryRows(plan: Plan): string[][] {
  const used = CHANGE_CLASSES.filter((k) => plan.environments.some((e) => e.counts[k]));
  return [
    ['environment', ...used],
    ...plan.environments.map((e) => [`${e.environment}${statusText(e)}`, ...used.map((k) => String(e.counts[k] ?? '·'))]),
  ];
}

function statusText(env: EnvironmentPlan): string {
  return env.status === 'added' ? ' (new environment)' : env.status === 'removed' ? ' (environment removed)' : '';
}

function objectTitle(change: ObjectChange): string {
  const rename = change.renamedFrom ? ` (was ${change.renamedFrom})` : change.renamedTo ? ` (now ${change.renamedTo})` : '';
  return `${change.app}/${change.kind.split('/')[1]} ${change.name}${rename}`;
}

/** `- path: before` / `+ path: after` lines of a field diff. */
function fieldLines(fields: readonly FieldChange[]): string[] {
  return fields.flatMap((f) => [
    ...(f.op !== 'add' ? [`- ${f.path}: ${show(f.before)}`] : []),
    ...(f.op !== 'remove' ? [`+ ${f.path}: ${show(f.after)}`] : []),
  ]);
}

function quotaLine(r: QuotaResource): string {
  return `${r.resource}: ${r.before} → ${r.after} of ${r.hard} (${r.percent} %${r.exceeded ? ', EXCEEDED: new pods will be refused' : ''})`;
}

type QuotaResource = EnvironmentPlan['quotas'][number]['resources'][number];

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

function escape(s: string): string {
  return s.replace(/([<>|*_[\]])/g, '\\$1');
}

function unique<T>(x: T, i: number, all: T[]): boolean {
  return all.indexOf(x) === i;
}

interface Colors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  magenta(s: string): string;
  cyan(s: string): string;
}

function colors(enabled: boolean): Colors {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), magenta: wrap(35, 39), cyan: wrap(36, 39) };
}

function classColor(c: Colors, k: ChangeClass): (s: string) => string {
  switch (k) {
    case 'replace': case 'prune': return c.red;
    case 'rollout': case 'scale': case 'quota': return c.yellow;
    case 'exposure': case 'access': return c.magenta;
    case 'image': return c.cyan;
    case 'add': return c.green;
    default: return (s) => s;
  }
}
