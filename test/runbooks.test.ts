import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deploymentName, RECOVERY_OBJECTIVES } from '../config';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { synthesize } from './support/blueprint';

// GIVEN the alarms of phase 3 as it runs (every kind: replicas, queues, stream, burn rates, standby, failover) and the runbook page
const s = synthesize({ phase: 'phase3', stage: 'prod', settings: PRODUCTION_SETTINGS });
const runbooks = readFileSync(join(__dirname, '..', 'docs', 'runbooks.md'), 'utf8');

test('every alarm points to a runbook entry that exists', () => {
  const alarms = [s.appStack, s.web, s.stack('worker-worker'), s.stack('standby-app'), s.stack('standby-service-web')].flatMap((t) => [
    ...Object.values(t.findResources('AWS::CloudWatch::Alarm')),
    ...Object.values(t.findResources('AWS::CloudWatch::CompositeAlarm')),
  ]);
  const anchors = new Set<string>();
  for (const a of alarms) {
    const anchor = /Runbook: docs\/runbooks\.md#([a-z0-9-]+)$/.exec(a.Properties.AlarmDescription)?.[1];
    if (anchor === undefined) throw new Error(`${a.Properties.AlarmName} has no runbook link`);
    expect(runbooks).toContain(`<a id="${anchor}"></a>`);
    anchors.add(anchor);
  }
  // Every kind was looked at, the standby's and the failover's included.
  expect([...anchors].sort()).toEqual(
    ['availability-burn-rate', 'cache-saturation', 'db-connections', 'db-replica-lag', 'db-saturation', 'db-storage', 'dead-letters', 'ecs-saturation', 'error-rate', 'latency-p95', 'origin-unavailable', 'queue-age', 'service-down', 'stream-iterator-age'],
  );
});

describe('the regional failover procedure', () => {
  const section = runbooks.slice(runbooks.indexOf('<a id="regional-failover"></a>'), runbooks.indexOf('<a id="origin-header-rotation"></a>'));

  test('THEN its steps split the RTO into consecutive windows that end at the RTO', () => {
    const windows = [...section.matchAll(/^\| (\d+)-(\d+) \|/gm)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(windows.length).toBeGreaterThanOrEqual(4);
    expect(windows[0]![0]).toBe(0);
    windows.slice(1).forEach(([from], i) => expect(from).toBe(windows[i]![1]));
    expect(windows.at(-1)![1]).toBe(RECOVERY_OBJECTIVES.rtoMinutes);
  });

  test('THEN the names its commands use are the standby\'s: the database, its stacks, the secret\'s output, the setting', () => {
    const data = s.stack('standby-data');
    const P = deploymentName(s.config);
    expect(section).toContain('--db-instance-identifier $P-postgres');
    data.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceIdentifier: `${P}-postgres` });
    expect(section).toContain('--stack-name $P-standby-data');
    expect(section).toContain("OutputKey=='DatabaseSecretReplicaArn'");
    data.hasOutput('DatabaseSecretReplicaArn', {});
    expect(section).toContain('"$P-standby-service-*" "$P-standby-worker-*" --exclusively');
    expect(s.blueprint.standby!.data.stackName).toBe(`${P}-standby-data`);
    expect(section).toContain('--settings promoted.json --region standby');
    expect(section).toContain('--settings promoted.json --region primary');
    expect(section).toContain('--settings failback.json --region primary');
    expect(section).toContain('--db-instance-identifier $P-postgres-2');
    expect(section).toContain('"standby": { "role": "promoted" }');
    expect(section).toContain('standby database promoted:');
  });
});
