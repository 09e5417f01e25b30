import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { COMMON_RULE_NAMES } from '../../../config';
import { FirewallPathException, WebFirewall } from '../../../constructs';
import { FargateStopTimeout } from '../../../review/gate/rules/ecs/fargate-stop-timeout';
import { statementCapacity, WebAclCapacity } from '../../../review/gate/rules/quotas/web-acl-capacity';
import { CDK_CONTEXT } from '../../support/blueprint';
import { deployment, firing, messages } from '../support';

/** The kit's web ACL with `pathExceptions`, as a one-stack deployment. */
function firewall(pathExceptions: readonly FirewallPathException[]) {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Edge', { env: { account: '111111111111', region: 'us-east-1' } });
  new WebFirewall(stack, 'Firewall', {
    name: 'shop',
    scope: 'CLOUDFRONT',
    rateLimitPer5Minutes: 2000,
    pathExceptions,
    logRetention: logs.RetentionDays.ONE_MONTH,
    logEncryptionKey: new kms.Key(stack, 'Key'),
  });
  const resources = Template.fromStack(stack).toJSON().Resources;
  return { acl: Object.values(resources).find((r: any) => r.Type === 'AWS::WAFv2::WebACL') as any, deployment: deployment({ edge: { resources } }) };
}
const capacity = (acl: any): number => acl.Properties.Rules.reduce((sum: number, r: any) => sum + statementCapacity(r.Statement), 0);

describe('WebAclCapacity', () => {
  test('GIVEN the kit\'s web ACL THEN the rate limit and the three managed groups need 927 WCUs, and it passes', () => {
    const { acl, deployment: d } = firewall([]);
    // 2 (rate-based) + 25 (IP reputation) + 700 (core rule set) + 200 (known bad inputs).
    expect(capacity(acl)).toBe(927);
    expect(firing(WebAclCapacity, d)).toEqual([]);
  });

  test('GIVEN one rule excepted on one path THEN the label rule adds 1 + 2 + 2 x 10 WCUs', () => {
    expect(capacity(firewall([{ pathPrefix: '/api/uploads/', rules: ['SizeRestrictions_BODY'] }]).acl)).toBe(927 + 23);
  });

  test('GIVEN every core rule excepted on ten paths THEN the web ACL is above 5,000 WCUs and the rule fires on it', () => {
    const exceptions = Array.from({ length: 10 }, (_, i) => ({ pathPrefix: `/p${i}/`, rules: COMMON_RULE_NAMES }));
    const { deployment: d } = firewall(exceptions);
    expect(firing(WebAclCapacity, d)).toEqual([expect.stringMatching(/^edge FirewallWebAcl/)]);
    expect(messages(WebAclCapacity, d)[0]).toMatch(/need about \d+ WCUs; WAF refuses a web ACL above 5000/);
  });
});

describe('FargateStopTimeout', () => {
  const task = (stopTimeout: number) =>
    deployment({
      service: {
        resources: {
          Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { RequiresCompatibilities: ['FARGATE'], ContainerDefinitions: [{ Name: 'App', StopTimeout: stopTimeout }] } },
        },
      },
    });
  test('GIVEN a Fargate container with a 120 s stop timeout THEN it passes', () => {
    expect(firing(FargateStopTimeout, task(120))).toEqual([]);
  });
  test('GIVEN 121 s THEN it fires on the task definition, naming the container', () => {
    expect(firing(FargateStopTimeout, task(121))).toEqual(['service Task']);
    expect(messages(FargateStopTimeout, task(121))).toEqual(['container App has StopTimeout 121; Fargate allows at most 120']);
  });
});
