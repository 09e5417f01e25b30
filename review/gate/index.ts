export * from './rule';
export * from './packs';
export type { Deployment, StackTemplate } from './template';
