import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AppTask, AppTaskProps } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

type Container = { Name: string; User?: string; LinuxParameters?: { Capabilities?: { Drop?: string[] } }; Memory?: number; DependsOn?: unknown; MountPoints?: unknown[]; Command?: string[]; EntryPoint?: string[]; ReadonlyRootFilesystem?: boolean; Essential?: boolean };

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
  test('GIVEN no trust store THEN the app container has the task\'s memory less the volume owner\'s 16 MiB, and waits only for its volumes', () => {
    const c = containers({});
    expect(c.map((x) => x.Name)).toEqual(['App', 'VolumeOwner']);
    // Every container has a hard limit of at least 4 MiB (Control Tower CT.ECS.PR.7), and together they fit the task.
    expect(c.map((x) => x.Memory)).toEqual([1024 - 16, 16]);
    expect(c[0]!.DependsOn).toEqual([{ ContainerName: 'VolumeOwner', Condition: 'SUCCESS' }]);
  });

  test('GIVEN a trust store THEN its download takes 32 MiB of the task, writes the file named in path, and the app waits for its success', () => {
    const c = containers({ trustStore: { url: 'https://example.com/ca.pem', image: 'public.ecr.aws/amazonlinux/amazonlinux:2023', path: '/etc/ca/bundle.pem' } });
    const app = c.find((x) => x.Name === 'App')!;
    const download = c.find((x) => x.Name === 'TrustStore')!;
    expect(c.reduce((sum, x) => sum + x.Memory!, 0)).toBe(1024);
    expect(download.Memory).toBe(32);
    expect(app.DependsOn).toEqual([
      { ContainerName: 'VolumeOwner', Condition: 'SUCCESS' },
      { ContainerName: 'TrustStore', Condition: 'SUCCESS' },
    ]);
    expect(app.MountPoints).toContainEqual({ ContainerPath: '/etc/ca', SourceVolume: 'trust-store', ReadOnly: true });
    // Fargate's bind mounts belong to root (0755): root writes, with no capability at all.
    expect(download.User).toBe('0');
    expect(download.LinuxParameters).toEqual({ Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: false });
    expect(download.Command!.slice(-3)).toEqual(['--output', '/trust-store/bundle.pem', 'https://example.com/ca.pem']);
  });
});

describe('AppTask writable volumes', () => {
  // Fargate creates a bind mount owned by root, mode 0755, unless the image declares it a VOLUME
  // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html): a non-root app cannot write it.
  const c = containers({ user: '991:991', writablePaths: ['/app/tmp', '/var/cache/nginx'] });
  const app = c.find((x) => x.Name === 'App')!;
  const owner = c.find((x) => x.Name === 'VolumeOwner')!;

  test('THEN a root container with only CAP_CHOWN gives every writable volume to the app\'s user, without a shell', () => {
    expect(owner.EntryPoint).toEqual(['chown']);
    expect(owner.Command).toEqual(['991:991', '/volumes/tmp', '/volumes/writable-app-tmp', '/volumes/writable-var-cache-nginx']);
    expect(owner.User).toBe('0');
    expect(owner.Essential).toBe(false);
    expect(owner.ReadonlyRootFilesystem).toBe(true);
    const dropped = owner.LinuxParameters!.Capabilities!.Drop!;
    expect(dropped).not.toContain('CHOWN');
    expect(dropped).not.toContain('ALL');
    // Every other capability Docker grants root by default is dropped.
    for (const cap of ['DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'NET_BIND_SERVICE', 'NET_RAW', 'SYS_CHROOT', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP']) {
      expect(dropped).toContain(cap);
    }
  });

  test('THEN it mounts exactly the volumes the app writes, and the app starts only after it succeeded', () => {
    const appVolumes = (app.MountPoints as { SourceVolume: string; ReadOnly: boolean }[]).filter((m) => !m.ReadOnly).map((m) => m.SourceVolume);
    const ownerVolumes = (owner.MountPoints as { SourceVolume: string }[]).map((m) => m.SourceVolume);
    expect(ownerVolumes).toEqual(appVolumes);
    expect(app.DependsOn).toEqual([{ ContainerName: 'VolumeOwner', Condition: 'SUCCESS' }]);
  });
});

describe('AppTask writable root filesystem', () => {
  test('GIVEN no reason THEN the app container\'s root is read-only', () => {
    expect(containers({}).find((x) => x.Name === 'App')!.ReadonlyRootFilesystem).toBe(true);
  });

  test('GIVEN a reason THEN the app container\'s root is writable and every other container\'s stays read-only', () => {
    const c = containers({ writableRootFilesystem: 'The image writes /etc/nginx when it starts.' });
    expect(c.map((x) => [x.Name, x.ReadonlyRootFilesystem])).toEqual([['App', false], ['VolumeOwner', true]]);
  });

  test('GIVEN an empty reason THEN it refuses, naming the prop', () => {
    expect(() => containers({ writableRootFilesystem: ' ' })).toThrow('AppTask: writableRootFilesystem is an empty reason');
  });
});
