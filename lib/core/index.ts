// Public API of the core. The synth machinery (yaml-writer, output-folder, rendered-json,
// quantity, config-hash) and the problem helpers are internal: import them from their modules.
export { formatProblem } from './problem';
export type { Problem } from './problem';
export * from './names';
export * from './environment';
export * from './labels';
export { AppChart } from './app-chart';
export type { AppChartProps, ComponentIdentity } from './app-chart';
export * from './platform';
export type { ConfigReference, IConfigSource, ConfigSourceInfo } from './config-hash';
export { ApiObject, JsonPatch, patchesAfterConversion } from './escape-hatch';
export { strictSchemaProblems } from './schema-check';
export { CoreResource } from './core-resource';
export { Placement } from './placement';
export { synthCommand } from './synth-command';
export type { SynthCommandProps } from './synth-command';
export { OutputLockedError } from './output-lock';
export type { LockHolder } from './output-lock';
export { OutputConflictError } from './output-folder';
export type { FolderChanges } from './output-folder';
