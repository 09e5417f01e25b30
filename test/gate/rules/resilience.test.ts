import { FailoverAlarmTreatsMissingAsUnhealthy } from '../../../review/gate/rules/failover/failover-alarm-reads-missing-as-unhealthy';
import { FailoverCalculatedCheckCanFail } from '../../../review/gate/rules/failover/failover-calculated-check-can-fail';
import { FailoverWithoutTargetHealth } from '../../../review/gate/rules/failover/failover-without-target-health';
import { SecretReferencesResolve } from '../../../review/gate/rules/regions/secret-references-resolve';
import { TasksReadOwnRegion } from '../../../review/gate/rules/regions/tasks-read-own-region';
import { deployment, firing, stackOutput } from '../support';

function failoverHalf(evaluateTargetHealth: boolean, treatMissingData: string, insufficient = 'Unhealthy') {
  return deployment({
    app: {
      resources: {
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'shop-prod-origin-unavailable', TreatMissingData: treatMissingData } },
        Check: {
          Type: 'AWS::Route53::HealthCheck',
          Properties: { HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: { Ref: 'Alarm' }, Region: 'us-east-1' }, InsufficientDataHealthStatus: insufficient } },
        },
        Record: {
          Type: 'AWS::Route53::RecordSet',
          Properties: {
            Name: 'origin.example.com.',
            Type: 'A',
            Failover: 'PRIMARY',
            SetIdentifier: 'primary',
            HealthCheckId: { Ref: 'Check' },
            AliasTarget: { DNSName: 'lb.example.com', HostedZoneId: 'Z2', EvaluateTargetHealth: evaluateTargetHealth },
          },
        },
      },
    },
  });
}

describe('FailoverWithoutTargetHealth', () => {
  test('GIVEN a failover alias that evaluates target health THEN it fires on the record', () => {
    expect(firing(FailoverWithoutTargetHealth, failoverHalf(true, 'breaching'))).toEqual(['app Record']);
  });
  test('GIVEN a failover alias on its health check only THEN it passes', () => {
    expect(firing(FailoverWithoutTargetHealth, failoverHalf(false, 'breaching'))).toEqual([]);
  });
});

describe('FailoverCalculatedCheckCanFail', () => {
  const held = (threshold: number | undefined) => {
    const d = failoverHalf(false, 'breaching');
    const resources = d.app!.template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    resources.Held = { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: [{ Ref: 'Check' }], ...(threshold === undefined ? {} : { HealthThreshold: threshold }) } } };
    resources.Record!.Properties.HealthCheckId = { Ref: 'Held' };
    return d;
  };
  test('GIVEN a failover record on a calculated check with threshold 0, or none THEN it fires on the check', () => {
    expect(firing(FailoverCalculatedCheckCanFail, held(0))).toEqual(['app Held']);
    expect(firing(FailoverCalculatedCheckCanFail, held(undefined))).toEqual(['app Held']);
  });
  test('GIVEN a threshold of 1, or one above the children to hold the record unhealthy THEN it passes', () => {
    expect(firing(FailoverCalculatedCheckCanFail, held(1))).toEqual([]);
    expect(firing(FailoverCalculatedCheckCanFail, held(2))).toEqual([]);
  });
});

describe('FailoverAlarmTreatsMissingAsUnhealthy', () => {
  test('GIVEN a health check on an alarm that treats missing data as notBreaching THEN it fires on the alarm', () => {
    expect(firing(FailoverAlarmTreatsMissingAsUnhealthy, failoverHalf(false, 'notBreaching'))).toEqual(['app Alarm']);
  });
  test('GIVEN a health check that reads insufficient data as last known status THEN it fires on the health check', () => {
    expect(firing(FailoverAlarmTreatsMissingAsUnhealthy, failoverHalf(false, 'breaching', 'LastKnownStatus'))).toEqual(['app Check']);
  });
  test('GIVEN an alarm that treats missing data as ignore THEN it fires: silence keeps it OK', () => {
    expect(firing(FailoverAlarmTreatsMissingAsUnhealthy, failoverHalf(false, 'ignore'))).toEqual(['app Alarm']);
  });
  test('GIVEN an alarm that lets missing data make it INSUFFICIENT_DATA, read as unhealthy THEN it passes', () => {
    expect(firing(FailoverAlarmTreatsMissingAsUnhealthy, failoverHalf(false, 'missing'))).toEqual([]);
  });
  test('GIVEN an alarm that treats missing data as breaching and a check that reads it as unhealthy THEN it passes', () => {
    expect(firing(FailoverAlarmTreatsMissingAsUnhealthy, failoverHalf(false, 'breaching'))).toEqual([]);
  });
});

describe('TasksReadOwnRegion', () => {
  const standbyTask = (valueFrom: unknown) =>
    deployment({
      data: { resources: { Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} } }, outputs: { SecretArn: { Value: { Ref: 'Secret' } } } },
      'standby-data': { region: 'us-west-2', resources: { Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} } }, outputs: { SecretArn: { Value: { Ref: 'Secret' } } } },
      'standby-service': {
        region: 'us-west-2',
        resources: { Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Name: 'App', Secrets: [{ Name: 'DB_PASSWORD', ValueFrom: valueFrom }] }] } } },
      },
    });
  test("GIVEN a standby task reading the primary region's secret THEN it fires on the task definition", () => {
    expect(firing(TasksReadOwnRegion, standbyTask({ 'Fn::Join': ['', [stackOutput('data', 'SecretArn'), ':password::']] }))).toEqual(['standby-service Task']);
  });
  test('GIVEN a literal secret ARN in another region THEN it fires', () => {
    expect(firing(TasksReadOwnRegion, standbyTask('arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf:password::'))).toEqual(['standby-service Task']);
  });
  test("GIVEN the standby's own secret THEN it passes", () => {
    expect(firing(TasksReadOwnRegion, standbyTask(stackOutput('standby-data', 'SecretArn', 'us-west-2')))).toEqual([]);
  });
});

describe('SecretReferencesResolve', () => {
  const header = '{{resolve:secretsmanager:shop-prod/cdn-origin-header:SecretString:::}}';
  const edgeAndStandbyRule = (replicas: string[]) =>
    deployment({
      edge: { resources: { Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'shop-prod/cdn-origin-header', ReplicaRegions: replicas.map((Region) => ({ Region })) } } } },
      'standby-service': {
        region: 'us-west-2',
        resources: { Rule: { Type: 'AWS::ElasticLoadBalancingV2::ListenerRule', Properties: { Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: [header] } }] } } },
      },
    });
  test("GIVEN a listener rule reading the edge's secret by name in a region it is replicated to THEN it passes", () => {
    expect(firing(SecretReferencesResolve, edgeAndStandbyRule(['us-west-2']))).toEqual([]);
  });
  test('GIVEN the same rule in a region the secret is not replicated to THEN it fires on the rule', () => {
    expect(firing(SecretReferencesResolve, edgeAndStandbyRule(['eu-west-1']))).toEqual(['standby-service Rule']);
  });
});
