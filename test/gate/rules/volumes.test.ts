import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AppTask } from '../../../constructs';
import { WritableVolumesOwned } from '../../../review/gate/rules/ecs/writable-volumes-owned';
import { CDK_CONTEXT } from '../../support/blueprint';
import { deployment, firing, messages } from '../support';

/** The kit's task for a non-root app writing /tmp and /app/tmp, as a one-stack deployment. */
function appTask(edit: (containers: any[]) => any[] = (c) => c) {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Service', { env: { account: '111111111111', region: 'us-east-1' } });
  new AppTask(stack, 'Task', {
    image: 'nginx:1.27',
    user: '101',
    cpu: 256,
    memoryMiB: 512,
    writablePaths: ['/app/tmp'],
    logRetention: logs.RetentionDays.ONE_MONTH,
    logEncryptionKey: new kms.Key(stack, 'Key'),
  });
  const resources = Template.fromStack(stack).toJSON().Resources;
  for (const r of Object.values(resources) as any[]) {
    if (r.Type === 'AWS::ECS::TaskDefinition') r.Properties.ContainerDefinitions = edit(r.Properties.ContainerDefinitions);
  }
  return deployment({ service: { resources } });
}

describe('WritableVolumesOwned', () => {
  test('GIVEN the kit\'s task THEN the volume owner hands every writable volume over, and it passes', () => {
    expect(firing(WritableVolumesOwned, appTask())).toEqual([]);
  });

  test('GIVEN the app no longer waits for the volume owner THEN both writable volumes are reported', () => {
    const d = appTask((cs) => cs.map((c) => (c.Name === 'App' ? { ...c, DependsOn: undefined } : c)));
    expect(messages(WritableVolumesOwned, d)).toEqual([
      'container App (user 101) writes volume tmp at /tmp, which Fargate creates owned by root with mode 0755, and no root container it waits for hands it over',
      'container App (user 101) writes volume writable-app-tmp at /app/tmp, which Fargate creates owned by root with mode 0755, and no root container it waits for hands it over',
    ]);
  });

  test('GIVEN the volume owner skips one volume THEN only that one is reported', () => {
    const d = appTask((cs) => cs.map((c) => (c.Name === 'VolumeOwner' ? { ...c, MountPoints: c.MountPoints.filter((m: any) => m.SourceVolume === 'tmp') } : c)));
    expect(firing(WritableVolumesOwned, d)).toHaveLength(1);
    expect(messages(WritableVolumesOwned, d)[0]).toContain('volume writable-app-tmp');
  });

  test('GIVEN the preparing container is not root THEN neither it nor the app can write the volumes, and the rule names both', () => {
    const d = appTask((cs) => cs.map((c) => (c.Name === 'VolumeOwner' ? { ...c, User: '1000' } : c)));
    expect(messages(WritableVolumesOwned, d).map((m) => m.split(' writes ')[0])).toEqual([
      'container App (user 101)',
      'container App (user 101)',
      'container VolumeOwner (user 1000)',
      'container VolumeOwner (user 1000)',
    ]);
  });
});
