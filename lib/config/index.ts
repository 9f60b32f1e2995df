export * from './config-map';
export * from './secret-reference';
export * from './secret';
export * from './existing-secret';
export * from './external-secret';
