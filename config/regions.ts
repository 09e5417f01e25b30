/**
 * AWS regions the kit can deploy to, with the letters of their availability
 * zones (AWS Regions and Availability Zones, docs.aws.amazon.com/global-infrastructure).
 * Zones are checked against this table instead of being looked up, so that
 * synth needs no credentials. A region AWS opens later is one line here.
 *
 * Zone letters map to physical zones per account, and an account may not see
 * every letter of a region (us-east-1 shows most accounts five or six); the
 * table lists every letter the region has. us-west-1 is absent: each account
 * sees only two of its zones, and the kit spreads every tier over three.
 */
export const REGION_ZONES: Readonly<Record<string, string>> = {
  'us-east-1': 'abcdef',
  'us-east-2': 'abc',
  'us-west-2': 'abcd',
  'ca-central-1': 'abd',
  'ca-west-1': 'abc',
  'mx-central-1': 'abc',
  'sa-east-1': 'abc',
  'eu-west-1': 'abc',
  'eu-west-2': 'abc',
  'eu-west-3': 'abc',
  'eu-central-1': 'abc',
  'eu-central-2': 'abc',
  'eu-north-1': 'abc',
  'eu-south-1': 'abc',
  'eu-south-2': 'abc',
  'il-central-1': 'abc',
  'me-south-1': 'abc',
  'me-central-1': 'abc',
  'af-south-1': 'abc',
  'ap-east-1': 'abc',
  'ap-east-2': 'abc',
  'ap-south-1': 'abc',
  'ap-south-2': 'abc',
  'ap-northeast-1': 'abcd',
  'ap-northeast-2': 'abcd',
  'ap-northeast-3': 'abc',
  'ap-southeast-1': 'abc',
  'ap-southeast-2': 'abc',
  'ap-southeast-3': 'abc',
  'ap-southeast-4': 'abc',
  'ap-southeast-5': 'abc',
  'ap-southeast-7': 'abc',
  'us-gov-east-1': 'abc',
  'us-gov-west-1': 'abc',
};

export const REGIONS = Object.keys(REGION_ZONES) as [string, ...string[]];

/** The zone names of `region`, e.g. us-east-2a, us-east-2b, us-east-2c. */
export function zonesOf(region: string): readonly string[] {
  return [...(REGION_ZONES[region] ?? '')].map((letter) => `${region}${letter}`);
}
