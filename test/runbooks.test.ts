import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from './support/blueprint';

// GIVEN the alarms of phase 3 (every kind: replicas, queues, stream, burn rates) and the runbook page
const s = synthesize({ phase: 'phase3', stage: 'prod' });
const runbooks = readFileSync(join(__dirname, '..', 'docs', 'runbooks.md'), 'utf8');

test('every alarm points to a runbook entry that exists', () => {
  const alarms = [s.appStack, s.web, s.stack('worker-worker')].flatMap((t) => [
    ...Object.values(t.findResources('AWS::CloudWatch::Alarm')),
    ...Object.values(t.findResources('AWS::CloudWatch::CompositeAlarm')),
  ]);
  expect(alarms.length).toBeGreaterThan(0);
  for (const a of alarms) {
    const anchor = /Runbook: docs\/runbooks\.md#([a-z0-9-]+)$/.exec(a.Properties.AlarmDescription)?.[1];
    if (anchor === undefined) throw new Error(`${a.Properties.AlarmName} has no runbook link`);
    expect(anchor).toBeDefined();
    expect(runbooks).toContain(`<a id="${anchor}"></a>`);
  }
});
