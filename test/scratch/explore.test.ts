import { resolveConfig, UserSettings } from '../../config';
import { formatPlan, planUpgrade, synthesizeDeployment, templatesOf } from '../../review/plan';
import { PRODUCTION_SETTINGS } from '../../review/production-settings';
import { DEPLOYABILITY, formatFinding, runGate } from '../../review/gate';
import { CDK_CONTEXT } from '../support/blueprint';

const SECRET = 'arn:aws:secretsmanager:us-west-2:111111111111:secret:blueprint-prod/database-AbCdEf';
const cfg = (standby: Record<string, unknown>) => resolveConfig({ phase: 'phase3', stage: 'prod', settings: { ...PRODUCTION_SETTINGS, standby } as UserSettings });
test('explore', () => {
  const failback = synthesizeDeployment(cfg({ role: 'failback', databaseGeneration: 2, databaseSecretArn: SECRET }), CDK_CONTEXT);
  const back = synthesizeDeployment(cfg({ role: 'standby', databaseGeneration: 2 }), CDK_CONTEXT);
  const unprotect = synthesizeDeployment(cfg({ role: 'standby', databaseGeneration: 2, previousDatabases: 'unprotect' }), CDK_CONTEXT);
  const retire = synthesizeDeployment(cfg({ role: 'standby', databaseGeneration: 2, previousDatabases: 'retire' }), CDK_CONTEXT);
  const out: string[] = [];
  out.push(formatPlan(planUpgrade(templatesOf(failback), templatesOf(back)), 'switch back'));
  out.push(runGate(DEPLOYABILITY, { deployment: back, previous: failback }).map(formatFinding).join('\n'));
  out.push(formatPlan(planUpgrade(templatesOf(back), templatesOf(unprotect)), 'unprotect'));
  out.push(runGate(DEPLOYABILITY, { deployment: unprotect, previous: back }).map(formatFinding).join('\n'));
  out.push(formatPlan(planUpgrade(templatesOf(unprotect), templatesOf(retire)), 'retire'));
  out.push(runGate(DEPLOYABILITY, { deployment: retire, previous: unprotect }).map(formatFinding).join('\n'));
  require('fs').writeFileSync('/tmp/explore.txt', out.join('\n=====\n'));
  require('fs').writeFileSync('/tmp/back.json', JSON.stringify(templatesOf(back), null, 1));
  require('fs').writeFileSync('/tmp/failback.json', JSON.stringify(templatesOf(failback), null, 1));
});
