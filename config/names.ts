import { createHash } from 'node:crypto';
import { BlueprintConfig } from './types';

/**
 * `<app>-<stage>`: the prefix of every stack and named resource of one
 * deployment. Never the phase, so an upgrade deploys over the same names.
 */
export function deploymentName(c: Pick<BlueprintConfig, 'appName' | 'stage'>): string {
  return `${c.appName}-${c.stage}`;
}

/**
 * The name of bucket `bucket` in `region`: `<app>-<stage>-<bucket>-` and 12
 * hex digits of a hash of the account and region, at most 58 characters.
 * Bucket names are global across every AWS account (Amazon S3 User Guide,
 * "General purpose bucket naming rules":
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html),
 * so the hash keeps deployments of the same app in other accounts or regions
 * apart. Fixed, so that policies name the bucket's objects exactly and the
 * other regions' stacks find it without reading its region (ADR 0025).
 */
export function bucketName(c: Pick<BlueprintConfig, 'appName' | 'stage' | 'env'>, bucket: string, region: string): string {
  const hash = createHash('sha256').update(`${c.env.account}/${region}`).digest('hex').slice(0, 12);
  return `${deploymentName(c)}-${bucket}-${hash}`;
}
