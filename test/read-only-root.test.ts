import { Template } from 'aws-cdk-lib/assertions';
import { notes } from '../config';
import { writableRootReason } from '../constructs/compute/app-task';
import { stackName } from '../lib/blueprint';
import { acknowledgements, compliancePacks, openFindings } from '../lib/compliance';
import { synthesize } from './support/blueprint';

const READONLY_CHECK = 'cdk-validator-cfnguard::ecs_containers_readonly_access_check';

// GIVEN production phase 2 (ECS Exec off) where one service, the worker and one schedule turn the read-only root off
// and the sample web service and another schedule keep the default, synthesized once with every compliance pack
const s = synthesize({
  phase: 'phase2',
  stage: 'prod',
  settings: {
    services: [
      { name: 'web' },
      { name: 'admin', pathPatterns: ['/admin/*'], priority: 10, readOnlyRootFilesystem: false, writablePaths: ['/app/cache'], migrationCommand: ['migrate'] },
    ],
    workers: [{ name: 'worker', readOnlyRootFilesystem: false }],
    schedules: [
      { name: 'nightly', command: ['cron'], readOnlyRootFilesystem: false },
      { name: 'report', command: ['report'] },
    ],
  },
});

/** The app container's definition in a stack's only task definition. */
function appContainer(t: Template): Record<string, unknown> {
  const defs = Object.values(t.findResources('AWS::ECS::TaskDefinition'));
  expect(defs).toHaveLength(1);
  const containers = defs[0]!.Properties.ContainerDefinitions as Record<string, unknown>[];
  return containers.find((c) => c.Essential === true && c.Name === 'App')!;
}

/** Reasons acknowledging the Control Tower read-only check under a stack. */
function readOnlyAcknowledgements(role: string): string[] {
  const stack = s.app.node.findChild(stackName(s.config, role));
  return acknowledgements(stack).filter((a) => a.id === READONLY_CHECK).map((a) => a.reason);
}

describe('the read-only root filesystem opt-out', () => {
  test('THEN an app keeps a read-only root by default, in every preset template', () => {
    expect(appContainer(s.web).ReadonlyRootFilesystem).toBe(true);
    expect(appContainer(s.stack('schedule-report')).ReadonlyRootFilesystem).toBe(true);
    expect(s.config.services.find((x) => x.name === 'web')!.readOnlyRootFilesystem).toBe(true);
  });

  test('THEN an app that sets it false gets a writable root in its task, its migration task included', () => {
    for (const role of ['service-admin', 'migrate-admin', 'worker-worker', 'schedule-nightly']) {
      expect([role, appContainer(s.stack(role)).ReadonlyRootFilesystem]).toEqual([role, false]);
    }
  });

  test('THEN /tmp and the writable paths stay volumes, and the volume owner keeps its read-only root', () => {
    const t = s.stack('service-admin');
    const mounts = (appContainer(t).MountPoints as { ContainerPath: string }[]).map((m) => m.ContainerPath);
    expect(mounts).toEqual(expect.arrayContaining(['/tmp', '/app/cache']));
    const containers = Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions as Record<string, unknown>[];
    expect(containers.find((c) => c.Name === 'VolumeOwner')).toMatchObject({ ReadonlyRootFilesystem: true, Command: ['101', '/volumes/tmp', '/volumes/writable-app-cache'] });
  });

  test('THEN the Control Tower read-only check is acknowledged on exactly those task definitions, naming the setting and the app', () => {
    for (const [role, app] of [['service-admin', 'admin'], ['migrate-admin', 'admin'], ['worker-worker', 'worker'], ['schedule-nightly', 'nightly']] as const) {
      const reasons = readOnlyAcknowledgements(role);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toContain(`${app}.readOnlyRootFilesystem is false`);
    }
    expect(readOnlyAcknowledgements('service-web')).toEqual([]);
    expect(readOnlyAcknowledgements('schedule-report')).toEqual([]);
  });

  test('THEN no compliance pack reports an open finding', () => {
    for (const pack of compliancePacks()) expect(openFindings(pack, s.app)).toEqual([]);
  });

  test('THEN synth prints one note per app that turned it off', () => {
    const lines = notes(s.config).filter((n) => n.includes('readOnlyRootFilesystem'));
    expect(lines).toEqual([
      expect.stringMatching(/^services\.admin\.readOnlyRootFilesystem is false: its container \(and its migration task's\) may write anywhere/),
      expect.stringMatching(/^workers\.worker\.readOnlyRootFilesystem is false: its container may write/),
      expect.stringMatching(/^schedules\.nightly\.readOnlyRootFilesystem is false: its container may write/),
    ]);
  });

  test('THEN ECS Exec and the setting each give their reason when both make the root writable', () => {
    expect(writableRootReason(false, undefined)).toBeUndefined();
    expect(writableRootReason(true, undefined)).toMatch(/^ECS Exec is on/);
    expect(writableRootReason(true, 'web.readOnlyRootFilesystem is false.')).toMatch(/^web\.readOnlyRootFilesystem is false\. ECS Exec is on/);
  });
});
