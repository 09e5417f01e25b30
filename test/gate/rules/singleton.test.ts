import { SingletonNeverRunsTwo } from '../../../review/gate/rules/ecs/singleton-never-runs-two';
import { deployment, firing, messages } from '../support';

function worker(service: Record<string, unknown>, scaled = false) {
  return deployment({
    worker: {
      resources: {
        Service: { Type: 'AWS::ECS::Service', Properties: { Tags: [{ Key: 'blueprint:singleton', Value: 'true' }], ...service } },
        ...(scaled
          ? { Target: { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', Properties: { ResourceId: { 'Fn::Join': ['', ['service/app/', { 'Fn::GetAtt': ['Service', 'Name'] }]] } } } }
          : {}),
      },
    },
  });
}

describe('SingletonNeverRunsTwo', () => {
  const stopFirst = { MinimumHealthyPercent: 0, MaximumPercent: 100 };
  test('GIVEN one task that stops before its successor starts THEN it passes (and 0 tasks in a standby)', () => {
    expect(firing(SingletonNeverRunsTwo, worker({ DesiredCount: 1, DeploymentConfiguration: stopFirst }))).toEqual([]);
    expect(firing(SingletonNeverRunsTwo, worker({ DesiredCount: 0, DeploymentConfiguration: stopFirst }))).toEqual([]);
  });
  test('GIVEN ECS\'s default deployment (100/200) THEN it fires: the new task starts beside the old', () => {
    expect(messages(SingletonNeverRunsTwo, worker({ DesiredCount: 1, DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200 } }))).toEqual([
      expect.stringMatching(/MaximumPercent 200/),
      expect.stringMatching(/MinimumHealthyPercent 100/),
    ]);
  });
  test('GIVEN two tasks, or an autoscaling target THEN it fires', () => {
    expect(messages(SingletonNeverRunsTwo, worker({ DesiredCount: 2, DeploymentConfiguration: stopFirst }))).toEqual([expect.stringMatching(/DesiredCount is 2/)]);
    expect(messages(SingletonNeverRunsTwo, worker({ DesiredCount: 1, DeploymentConfiguration: stopFirst }, true))).toEqual([expect.stringMatching(/second task/)]);
  });
  test('GIVEN an autoscaling target of a same-named service in another stack THEN it passes', () => {
    const input = {
      ...worker({ DesiredCount: 1, DeploymentConfiguration: stopFirst }),
      ...deployment({
        other: {
          resources: {
            Service: { Type: 'AWS::ECS::Service', Properties: {} },
            Target: { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', Properties: { ResourceId: { 'Fn::Join': ['', ['service/app/', { 'Fn::GetAtt': ['Service', 'Name'] }]] } } },
          },
        },
      }),
    };
    expect(firing(SingletonNeverRunsTwo, input)).toEqual([]);
  });
  test('GIVEN a service without the singleton tag THEN it is not checked', () => {
    const plain = deployment({ worker: { resources: { Service: { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 3 } } } } });
    expect(firing(SingletonNeverRunsTwo, plain)).toEqual([]);
  });
});
