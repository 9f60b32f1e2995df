export * from './namespace';
export * from './limit-range';
export * from './resource-quota';
export * from './quota-check';
export * from './cluster-baseline';
export * from './audit-policy';
export * from './audit-presets';
