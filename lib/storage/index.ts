export * from './persistent-volume-claim';
export * from './persistent-volume';
export * from './storage-class';
