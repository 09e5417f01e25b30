import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { Deployment } from './template';

/** The deployment a cloud assembly directory holds (what `cdk synth` wrote), every stack with its region and account. */
export function deploymentFromAssembly(outdir: string): Deployment {
  const assembly = new CloudAssembly(outdir);
  return Object.fromEntries(
    assembly.stacks.map((s) => [s.stackName, { template: s.template, region: s.environment.region, account: s.environment.account }]),
  );
}
