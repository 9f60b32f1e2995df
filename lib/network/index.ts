export * from './service';
export * from './ingress';
export * from './ingress-route-check';
export * from './network-policy';
export * from './network-isolation';
export * from './service-monitor';
