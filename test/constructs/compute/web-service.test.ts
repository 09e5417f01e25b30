import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PublicLoadBalancer, WebService, WebServiceDeployment, WebServiceProps } from '../../../constructs';
import { computeStack, taskBasics } from '../../support/compute';

/** GIVEN a bare stack with a VPC, a cluster and the public load balancer. */
function given(ruleQuota?: number) {
  const { stack, vpc, cluster, key } = computeStack();
  const ingress = new PublicLoadBalancer(stack, 'Ingress', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PUBLIC },
    accessLogBucket: new s3.Bucket(stack, 'AccessLogs'),
    deletionProtection: false,
    ruleQuota,
  });
  let priority = 0;
  const web = (id: string, deployment?: WebServiceDeployment, extra: Partial<WebServiceProps> = {}): WebService =>
    new WebService(stack, id, {
      ...taskBasics(key, 'public.ecr.aws/nginx/nginx-unprivileged:stable-alpine', '101'),
      cluster,
      listener: ingress.listener,
      capacity: ingress,
      containerPort: 8080,
      healthCheckPath: '/healthz',
      healthCheck: {
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        gracePeriod: Duration.seconds(60),
        deregistrationDelay: Duration.seconds(30),
      },
      pathPatterns: [`/${id}/*`],
      hostHeaders: [],
      priority: ++priority,
      scaling: { minTasks: 2, maxTasks: 10, cpuTargetPercent: 70, requestsPerTargetPerMinute: 1000 },
      deployment,
      ...extra,
    });
  return { stack, ingress, web };
}

const service = (t: Template): Record<string, any> => Object.values(t.findResources('AWS::ECS::Service'))[0]!.Properties;
const ref = (prefix: string) => ({ Ref: Match.stringLikeRegexp(`^${prefix}`) });
const requestPolicies = (t: Template) =>
  Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).filter(
    (p) => p.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification?.PredefinedMetricType === 'ALBRequestCountPerTarget',
  );

describe('WebService with a native (canary) deployment', () => {
  // WHEN a canary service is built
  const { stack, web } = given();
  web('Web', { strategy: 'canary', stepPercent: 10, bakeTime: Duration.minutes(15) });
  const t = Template.fromStack(stack);

  test('THEN the production rule is a weighted forward to both target groups, all traffic on the one the service starts in', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: ref('WebTargets'), Weight: 100 },
              { TargetGroupArn: ref('WebAlternateTargets'), Weight: 0 },
            ],
          },
        },
      ],
    });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
  });

  test('THEN the service\'s advanced configuration names that rule, the alternate group and an ECS infrastructure role', () => {
    const lb = service(t).LoadBalancers;
    expect(lb).toHaveLength(1);
    expect(lb[0]).toMatchObject({
      TargetGroupArn: { Ref: expect.stringMatching(/^WebTargets/) },
      AdvancedConfiguration: {
        AlternateTargetGroupArn: { Ref: expect.stringMatching(/^WebAlternateTargets/) },
        ProductionListenerRule: { Ref: expect.stringMatching(/^WebRule/) },
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^WebServiceAlternateRole/), 'Arn'] },
      },
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecs.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers']] }],
    });
    expect(service(t).DeploymentConfiguration).toMatchObject({ Strategy: 'CANARY', CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 15 }, BakeTimeInMinutes: 15 });
  });

  test('THEN request-count scaling tracks both target groups, since they swap roles every deployment', () => {
    const labels = requestPolicies(t).map((p) => JSON.stringify(p.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel));
    expect(labels).toHaveLength(2);
    expect(labels.some((l) => /WebTargets/.test(l) && !/WebAlternateTargets/.test(l))).toBe(true);
    expect(labels.some((l) => /WebAlternateTargets/.test(l))).toBe(true);
  });
});

describe('WebService deployment strategies', () => {
  test.each([
    ['linear', { strategy: 'linear', stepPercent: 20, bakeTime: Duration.minutes(5) }, { Strategy: 'LINEAR', LinearConfiguration: { StepPercent: 20, StepBakeTimeInMinutes: 5 }, BakeTimeInMinutes: 5 }],
    ['blue-green', { strategy: 'blue-green', bakeTime: Duration.minutes(5) }, { Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 5 }],
  ] as const)('GIVEN %s THEN ECS gets that native strategy with its shift and bake times', (_, deployment, expected) => {
    const { stack, web } = given();
    web('Web', deployment);
    expect(service(Template.fromStack(stack)).DeploymentConfiguration).toMatchObject(expected);
  });

  test('GIVEN rolling (the default) THEN one target group, a plain forward, one request-count policy and no advanced configuration', () => {
    const { stack, web } = given();
    web('Web');
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', { Actions: [{ Type: 'forward', TargetGroupArn: ref('WebTargets') }] });
    expect(service(t).LoadBalancers[0].AdvancedConfiguration).toBeUndefined();
    expect(service(t).DeploymentConfiguration.Strategy).toBeUndefined();
    expect(requestPolicies(t)).toHaveLength(1);
  });
});

describe('WebService container health check', () => {
  // WHEN three services are built: the default probe, an exec-form command, and none
  const { stack, web } = given();
  web('Default');
  web('Exec', undefined, { containerHealthCommand: ['python3', '-c', "import urllib.request as u; u.urlopen('http://localhost:8080/healthz')"] });
  web('None', undefined, { containerHealthCommand: null });
  const t = Template.fromStack(stack);
  const healthChecks = Object.values(t.findResources('AWS::ECS::TaskDefinition')).map((d) => d.Properties.ContainerDefinitions[0].HealthCheck?.Command);

  test('THEN the default probes healthCheckPath with wget through the shell', () => {
    expect(healthChecks[0]).toEqual(['CMD-SHELL', 'wget -q -O /dev/null http://localhost:8080/healthz || exit 1']);
  });

  test('THEN a command runs in exec form (CMD), needing neither a shell nor wget in the image', () => {
    expect(healthChecks[1]).toEqual(['CMD', 'python3', '-c', "import urllib.request as u; u.urlopen('http://localhost:8080/healthz')"]);
  });

  test('THEN null leaves the container without a health check, the target group still probing the path', () => {
    expect(healthChecks[2]).toBeUndefined();
    expect(Object.values(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).map((g) => g.Properties.HealthCheckPath)).toEqual(['/healthz', '/healthz', '/healthz']);
  });
});

describe('WebService claims its place on the load balancer', () => {
  test('GIVEN a load balancer at its rule quota WHEN one more service is added THEN synth stops with one line naming the service and the quota', () => {
    const { web } = given(2);
    web('One');
    web('Two');
    const third = () => web('Three');
    expect(third).toThrow('Test/Three: load balancer Test/Ingress would hold 3 listener rules; its quota is 2 (Application Load Balancer rules per load balancer)');
    expect(third).toThrow(/^[^\n]*$/);
  });

  test('GIVEN 99 target groups in use WHEN a canary service adds two THEN synth stops at the 100-target-group quota', () => {
    const { ingress, web } = given();
    ingress.claim(ingress, { rules: 0, targetGroups: 99 });
    expect(() => web('Canary', { strategy: 'canary', stepPercent: 10, bakeTime: Duration.minutes(5) })).toThrow(
      'Test/Canary: load balancer Test/Ingress would hold 101 target groups; its quota is 100 (Application Load Balancer target groups per load balancer, not adjustable)',
    );
    // A rolling service's single group still fits.
    expect(() => web('Rolling')).not.toThrow();
  });

  test('GIVEN the default quota THEN 100 rolling services fit and the 101st does not', () => {
    const { ingress } = given();
    for (let i = 0; i < 100; i++) ingress.claim(ingress, { rules: 1, targetGroups: 1 });
    expect(() => ingress.claim(ingress, { rules: 1, targetGroups: 1 })).toThrow(/would hold 101 listener rules; its quota is 100/);
  });
});
