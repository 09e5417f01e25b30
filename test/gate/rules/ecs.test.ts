import { EcsExecLoggingPermissions } from '../../../review/gate/rules/ecs/exec-logging-permissions';
import { EcsNativeDeploymentListener } from '../../../review/gate/rules/ecs/native-deployment-listener';
import { EcsNativeDeploymentWatchesBothTargetGroups } from '../../../review/gate/rules/ecs/native-deployment-watches-both';
import { deployment, firing, messages, stackOutput } from '../support';

describe('EcsNativeDeploymentListener', () => {
  function canary(defaultAction: string, forwardToBoth: boolean) {
    return deployment({
      app: {
        resources: {
          Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { DefaultActions: [{ Type: defaultAction, TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/default/1' }] } },
        },
        outputs: { ListenerRef: { Value: { Ref: 'Listener' } } },
      },
      service: {
        resources: {
          Blue: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
          Green: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
          Rule: {
            Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
            Properties: {
              ListenerArn: stackOutput('app', 'ListenerRef'),
              Actions: [
                forwardToBoth
                  ? { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: { Ref: 'Blue' }, Weight: 100 }, { TargetGroupArn: { Ref: 'Green' }, Weight: 0 }] } }
                  : { Type: 'forward', TargetGroupArn: { Ref: 'Blue' } },
              ],
            },
          },
          Service: {
            Type: 'AWS::ECS::Service',
            Properties: {
              DeploymentConfiguration: { Strategy: 'CANARY' },
              LoadBalancers: [{ TargetGroupArn: { Ref: 'Blue' }, AdvancedConfiguration: { AlternateTargetGroupArn: { Ref: 'Green' }, ProductionListenerRule: { Ref: 'Rule' } } }],
            },
          },
        },
      },
    });
  }
  test('GIVEN a production rule forwarding to one target group on a fixed-response listener THEN it fires twice on the service', () => {
    const found = messages(EcsNativeDeploymentListener, canary('fixed-response', false));
    expect(found).toEqual([expect.stringMatching(/does not forward to the alternate target group/), expect.stringMatching(/fixed-response default action/)]);
    expect(firing(EcsNativeDeploymentListener, canary('fixed-response', false))).toEqual(['service Service', 'service Service']);
  });
  test('GIVEN a weighted forward to both target groups on a forwarding listener THEN it passes', () => {
    expect(firing(EcsNativeDeploymentListener, canary('forward', true))).toEqual([]);
  });
});

describe('EcsExecLoggingPermissions', () => {
  function exec(taskRoleActions: string[], logging = 'DEFAULT') {
    return deployment({
      app: {
        resources: { Cluster: { Type: 'AWS::ECS::Cluster', Properties: { Configuration: { ExecuteCommandConfiguration: { Logging: logging } } } } },
        outputs: { ClusterRef: { Value: { Ref: 'Cluster' } } },
      },
      service: {
        resources: {
          TaskRole: { Type: 'AWS::IAM::Role', Properties: {} },
          TaskPolicy: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'TaskRole' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: taskRoleActions, Resource: '*' }] } } },
          Task: {
            Type: 'AWS::ECS::TaskDefinition',
            Properties: { TaskRoleArn: { 'Fn::GetAtt': ['TaskRole', 'Arn'] }, ContainerDefinitions: [{ Name: 'App', LogConfiguration: { LogDriver: 'awslogs' } }] },
          },
          Service: { Type: 'AWS::ECS::Service', Properties: { Cluster: stackOutput('app', 'ClusterRef'), TaskDefinition: { Ref: 'Task' }, EnableExecuteCommand: true } },
        },
      },
    });
  }
  const SSM = ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'];
  const LOGS = ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents', 'logs:DescribeLogGroups'];
  test('GIVEN a logging cluster and a task role with the SSM actions only THEN it fires on the service', () => {
    expect(messages(EcsExecLoggingPermissions, exec(SSM))).toEqual([expect.stringMatching(/lacks logs:CreateLogStream, logs:DescribeLogStreams, logs:PutLogEvents, logs:DescribeLogGroups/)]);
  });
  test('GIVEN the SSM and CloudWatch Logs actions THEN it passes', () => {
    expect(firing(EcsExecLoggingPermissions, exec([...SSM, ...LOGS]))).toEqual([]);
  });
  test('GIVEN a cluster that does not log sessions THEN the SSM actions suffice', () => {
    expect(firing(EcsExecLoggingPermissions, exec(SSM, 'NONE'))).toEqual([]);
  });
});

describe('EcsNativeDeploymentWatchesBothTargetGroups', () => {
  const tgMetric = (tg: string) => ({ Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'TargetGroup', Value: { 'Fn::GetAtt': [tg, 'TargetGroupFullName'] } }] });
  function service(alarm: Record<string, unknown>, scalingLabel: unknown) {
    return deployment({
      service: {
        resources: {
          Blue: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
          Green: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
          Service: {
            Type: 'AWS::ECS::Service',
            Properties: {
              DeploymentConfiguration: { Strategy: 'BLUE_GREEN', Alarms: { AlarmNames: ['shop-web-latency'], Enable: true, Rollback: true } },
              LoadBalancers: [{ TargetGroupArn: { Ref: 'Blue' }, AdvancedConfiguration: { AlternateTargetGroupArn: { Ref: 'Green' } } }],
            },
          },
          Latency: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'shop-web-latency', ...alarm } },
          Requests: {
            Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
            Properties: { TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: scalingLabel } } },
          },
        },
      },
    });
  }
  test('GIVEN a deployment alarm and a request-count policy on the primary target group only THEN it fires on both', () => {
    const label = { 'Fn::Join': ['/', ['app/lb/1', { 'Fn::GetAtt': ['Blue', 'TargetGroupFullName'] }]] };
    expect(firing(EcsNativeDeploymentWatchesBothTargetGroups, service(tgMetric('Blue'), label))).toEqual(['service Latency', 'service Requests']);
  });
  test('GIVEN metric math over both target groups THEN it passes', () => {
    const both = { Metrics: [{ Id: 'blue', MetricStat: { Metric: tgMetric('Blue') } }, { Id: 'green', MetricStat: { Metric: tgMetric('Green') } }, { Id: 'worst', Expression: 'MAX([blue, green])', ReturnData: true }] };
    const policy = { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Blue', 'TargetGroupFullName'] }, { 'Fn::GetAtt': ['Green', 'TargetGroupFullName'] }]] };
    expect(firing(EcsNativeDeploymentWatchesBothTargetGroups, service(both, policy))).toEqual([]);
  });
});
