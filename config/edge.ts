import { EdgeConfig } from './types';

/**
 * The `com.amazonaws.global.cloudfront.origin-facing` managed prefix list,
 * by region: its id differs per region, and looking it up would need AWS
 * credentials at synth. Regions not listed take their id from
 * `edge.originPrefixListIds`.
 */
export const CLOUDFRONT_ORIGIN_PREFIX_LISTS: Readonly<Record<string, string>> = {
  'us-east-1': 'pl-3b927c52',
  'us-east-2': 'pl-b6a144df',
  'us-west-1': 'pl-4ea04527',
  'us-west-2': 'pl-82a045eb',
  'eu-west-1': 'pl-4fa04526',
  'eu-west-2': 'pl-93a247fa',
  'eu-central-1': 'pl-a3a144ca',
  'ap-southeast-1': 'pl-31a34658',
  'ap-southeast-2': 'pl-b8a742d1',
  'ap-northeast-1': 'pl-58a04531',
};

/** The longest an origin's Cache-Control may keep a cached path at the edge, and the longest TTL a static path may set: a year. */
export const EDGE_MAX_TTL_SECONDS = 31_536_000;

/** The region a CLOUDFRONT-scoped web ACL and a distribution's certificate must be in. */
export const EDGE_REGION = 'us-east-1';

/** The CloudFront origin-facing prefix list of `region`: the user's id, else the table's. */
export function originPrefixListId(edge: EdgeConfig, region: string): string | undefined {
  return edge.originPrefixListIds[region] ?? CLOUDFRONT_ORIGIN_PREFIX_LISTS[region];
}
