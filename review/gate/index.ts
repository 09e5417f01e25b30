export * from './rule';
export * from './packs';
export { Deployment, StackTemplate } from './template';
