export { Namespace } from './namespace';
export type { NamespaceProps } from './namespace';
export * from './limit-range';
export * from './resource-quota';
export * from './quota-check';
export * from './cluster-baseline';
export { AuditLevel, AuditStage, AuditPolicy, AuditPolicyCheck, auditPolicyToYaml, auditPolicyToJson, analyzeAuditPolicy } from './audit-policy';
export type { AuditResources, AuditRule, AuditPolicySpec, AuditPolicyProps, AuditPolicyAnalysis, SensitiveResource } from './audit-policy';
export * from './audit-presets';
