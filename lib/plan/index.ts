export * from './model';
export { computePlan } from './plan';
export { diffFields } from './field-diff';
export { allowancesOf } from './exposure';
export { Permissions } from './access';
export { imageDifference } from './classify';
export { formatJson, formatMarkdown, formatTerminal } from './format';
export type { MarkdownLimits, PlanHeader } from './format';
