import { Template } from 'aws-cdk-lib/assertions';
import { join } from 'node:path';
import { PHASES, readSettingsFile, resolveConfig, STAGES } from '../../config';
import { DEPLOYABILITY, formatFinding, runGate } from '../../review/gate';
import { deploymentFromAssembly } from '../../review/gate/assembly';
import { planUpgrade, Templates, templatesOf } from '../../review/plan';
import { Synthesized, synthesize } from './blueprint';

export type ExamplePhase = (typeof PHASES)[number];

/** An example's settings file, docs/examples/<app>/blueprint.settings.json, read as a user's would be. */
export function exampleSettings(app: string): unknown {
  return readSettingsFile(join(__dirname, '../../docs/examples', app, 'blueprint.settings.json'), true);
}

/** The example in prod, one synthesis per phase, shared by the tests of a file. */
export function synthesizeExample(settings: unknown): Record<ExamplePhase, Synthesized> {
  return Object.fromEntries(PHASES.map((phase) => [phase, synthesize({ phase, stage: 'prod', settings })])) as Record<ExamplePhase, Synthesized>;
}

/** Every template of a synthesized deployment, by stack name. */
export const templatesOfExample = (b: Synthesized): Templates => templatesOf(deploymentFromAssembly(b.app.synth().directory));

/**
 * What every example must hold: each phase and stage resolves, each prod
 * phase synthesizes with every compliance pack and passes the deployability
 * gate, and the planner blocks and strands nothing from phase to phase.
 */
export function describeExampleSettings(title: string, settings: unknown, built: Record<ExamplePhase, Synthesized>): void {
  describe(`${title}: the settings file`, () => {
    test.each(PHASES.flatMap((phase) => STAGES.map((stage) => [phase, stage] as const)))('GIVEN %s %s THEN it resolves', (phase, stage) => {
      expect(() => resolveConfig({ phase, stage, settings })).not.toThrow();
    });

    test.each(PHASES)('GIVEN %s prod THEN it synthesizes with every compliance pack and the deployability gate finds nothing', (phase) => {
      const deployment = deploymentFromAssembly(built[phase].app.synth().directory);
      expect(runGate(DEPLOYABILITY, { deployment }).map(formatFinding)).toEqual([]);
    });

    test.each([
      ['phase1', 'phase2'],
      ['phase2', 'phase3'],
    ] as const)('WHEN upgrading %s to %s THEN the planner blocks nothing and strands no consumer', (from, to) => {
      const plan = planUpgrade(templatesOfExample(built[from]), templatesOfExample(built[to]));
      expect(plan.blocked).toEqual([]);
      expect(plan.stranded).toEqual([]);
    });
  });
}

/** A container definition as the examples read it. */
export type ExampleContainer = {
  Name: string;
  Image: string;
  User?: string;
  Command?: string[];
  Environment: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  PortMappings?: { ContainerPort: number }[];
  MountPoints?: { ContainerPath: string; ReadOnly: boolean; SourceVolume?: string }[];
  ReadonlyRootFilesystem?: boolean;
  HealthCheck?: { Command: string[] };
};

/** The application container of a stack's one task definition (not the sidecars). */
export function appContainer(t: Template): ExampleContainer {
  const defs = Object.values(t.findResources('AWS::ECS::TaskDefinition'));
  expect(defs).toHaveLength(1);
  return (defs[0]!.Properties.ContainerDefinitions as ExampleContainer[]).find((c) => c.Name === 'App')!;
}
export const environmentOf = (c: ExampleContainer): Record<string, unknown> => Object.fromEntries(c.Environment.map((e) => [e.Name, e.Value]));
export const secretNamesOf = (c: ExampleContainer): string[] => (c.Secrets ?? []).map((s) => s.Name);
export const secretFrom = (c: ExampleContainer, name: string): string => JSON.stringify(c.Secrets!.find((s) => s.Name === name)!.ValueFrom);
