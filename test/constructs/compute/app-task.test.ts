import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AppTask, AppTaskProps } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

type Container = { Name: string; User?: string; LinuxParameters?: unknown; Memory?: number; DependsOn?: unknown; MountPoints?: unknown[]; Command?: string[] };

/** GIVEN a bare stack with one app task of 1 GiB. */
function containers(props: Partial<AppTaskProps>): Container[] {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  new AppTask(stack, 'Task', {
    image: 'nginx:1.27',
    user: '1000',
    cpu: 512,
    memoryMiB: 1024,
    logRetention: logs.RetentionDays.ONE_MONTH,
    logEncryptionKey: new kms.Key(stack, 'Key'),
    ...props,
  });
  const defs = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'));
  return defs[0]!.Properties.ContainerDefinitions as Container[];
}

describe('AppTask trust store', () => {
  test('GIVEN no trust store THEN the task has the app container alone, with the whole memory', () => {
    const c = containers({});
    expect(c.map((x) => x.Name)).toEqual(['App']);
    expect(c[0]!.Memory).toBe(1024);
    expect(c[0]!.DependsOn).toBeUndefined();
  });

  test('GIVEN a trust store THEN its download takes 32 MiB of the task, writes the file named in path, and the app waits for its success', () => {
    const c = containers({ trustStore: { url: 'https://example.com/ca.pem', image: 'public.ecr.aws/amazonlinux/amazonlinux:2023', path: '/etc/ca/bundle.pem' } });
    const app = c.find((x) => x.Name === 'App')!;
    const download = c.find((x) => x.Name === 'TrustStore')!;
    expect(app.Memory! + download.Memory!).toBe(1024);
    expect(app.DependsOn).toEqual([{ ContainerName: 'TrustStore', Condition: 'SUCCESS' }]);
    expect(app.MountPoints).toContainEqual({ ContainerPath: '/etc/ca', SourceVolume: 'trust-store', ReadOnly: true });
    // Fargate's bind mounts belong to root (0755): root writes, with no capability at all.
    expect(download.User).toBe('0');
    expect(download.LinuxParameters).toEqual({ Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: false });
    expect(download.Command!.slice(-3)).toEqual(['--output', '/trust-store/bundle.pem', 'https://example.com/ca.pem']);
  });
});
