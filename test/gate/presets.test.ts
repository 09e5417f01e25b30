import { formatFinding, DEPLOYABILITY, runGate } from '../../review/gate';
import { EcsNativeDeploymentListener } from '../../review/gate/rules/ecs/native-deployment-listener';
import { EcsNativeDeploymentWatchesBothTargetGroups } from '../../review/gate/rules/ecs/native-deployment-watches-both';
import { Deployment } from '../../review/gate/template';
import { synthesizeDeployment } from '../../review/plan';
import { PRODUCTION_SETTINGS } from '../../review/production-settings';
import { ConfigError, PHASES, resolveConfig, STAGE_DEFAULTS, STAGES } from '../../config';
import { CDK_CONTEXT } from '../support/blueprint';

// GIVEN every phase in every stage whose defaults differ (prod as it runs: domain, hosted zone, HTTPS),
// each synthesized once, with the phase before it for the upgrade rules. `npm run check` runs all nine
// and a 20-service configuration.
const distinctStages = STAGES.filter((stage, i) => STAGES.findIndex((other) => JSON.stringify(STAGE_DEFAULTS[other]) === JSON.stringify(STAGE_DEFAULTS[stage])) === i);

const cases = distinctStages.flatMap((stage) => {
  let previous: Deployment | undefined;
  return PHASES.map((phase) => {
    const deployment = synthesizeDeployment(resolveConfig({ phase, stage, settings: stage === 'prod' ? PRODUCTION_SETTINGS : undefined }), CDK_CONTEXT, { pathMetadata: true });
    const input = { deployment, previous };
    previous = deployment;
    return [`${phase} ${stage}${input.previous ? ' (upgraded from the phase before)' : ''}`, input] as const;
  });
});

describe.each(cases)('the deployability gate on %s', (_name, input) => {
  test('THEN no rule fires', () => {
    expect(runGate(DEPLOYABILITY, input).map(formatFinding)).toEqual([]);
  });
});

describe.each(['canary', 'linear', 'blue-green'])('a web service deployed with ECS native %s', (strategy) => {
  test('THEN the kit either refuses it at synth, naming the setting, or wires both target groups into a listener ECS accepts, its alarms and its scaling', () => {
    const deployment = { strategy, bakeMinutes: 10, ...(strategy === 'blue-green' ? {} : { stepPercent: 10 }) };
    let config;
    try {
      config = resolveConfig({ phase: 'phase1', stage: 'dev', settings: { services: [{ name: 'web', deployment }] } as never });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(/services\.web\.deployment/);
      return;
    }
    const built = synthesizeDeployment(config, CDK_CONTEXT, { pathMetadata: true });
    expect(runGate([EcsNativeDeploymentListener, EcsNativeDeploymentWatchesBothTargetGroups], { deployment: built }).map(formatFinding)).toEqual([]);
  });
});
