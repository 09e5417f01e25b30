import { GateRule, Violation } from '../../rule';
import { resourcesOf } from '../../template';

/** The general purpose bucket naming rules that a literal name can break. */
const PROBLEMS: readonly (readonly [RegExp | ((n: string) => boolean), string])[] = [
  [(n) => n.length < 3 || n.length > 63, 'is not 3 to 63 characters long'],
  [/[^a-z0-9.-]/, 'has a character other than lower-case letters, digits, dots and hyphens'],
  [/^[^a-z0-9]|[^a-z0-9]$/, 'does not begin and end with a letter or digit'],
  [/\.\./, 'has two adjacent periods'],
  [/^\d{1,3}(\.\d{1,3}){3}$/, 'is formatted as an IP address'],
  [/^(xn--|sthree-|amzn-s3-demo-)/, 'begins with a reserved prefix (xn--, sthree-, amzn-s3-demo-)'],
  [/(-s3alias|--ol-s3|--x-s3|--table-s3|\.mrap)$/, 'ends with a reserved suffix (-s3alias, --ol-s3, --x-s3, --table-s3, .mrap)'],
];

/** A custom bucket name that breaks S3's naming rules fails only when CloudFormation creates the bucket. */
export const BucketNameRules: GateRule = {
  id: 'BucketNameRules',
  summary: 'Every custom bucket name follows Amazon S3\'s general purpose bucket naming rules.',
  documentation: 'Amazon S3 User Guide, "General purpose bucket naming rules" https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
  fix: 'choose a name of 3 to 63 lower-case letters, digits and hyphens, beginning and ending with a letter or digit, without a reserved prefix or suffix',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const b of resourcesOf(input.deployment, 'AWS::S3::Bucket')) {
      const name = b.resource.Properties?.BucketName;
      if (typeof name !== 'string') continue;
      for (const [test, problem] of PROBLEMS) {
        if (typeof test === 'function' ? test(name) : test.test(name)) violations.push({ stack: b.stack, logicalId: b.logicalId, message: `bucket name "${name}" ${problem}` });
      }
    }
    return violations;
  },
};
