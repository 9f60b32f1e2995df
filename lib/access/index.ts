export * from './service-account';
export * from './role';
export * from './role-binding';
export * from './team-roles';
