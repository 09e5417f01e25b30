import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from './support/blueprint';

// GIVEN the alarms of the phase-1 blueprint and the runbook page
const s = synthesize();
const runbooks = readFileSync(join(__dirname, '..', 'docs', 'runbooks.md'), 'utf8');

test('every alarm points to a runbook entry that exists', () => {
  const alarms = [s.appStack, s.web].flatMap((t) => Object.values(t.findResources('AWS::CloudWatch::Alarm')));
  expect(alarms.length).toBeGreaterThan(0);
  for (const a of alarms) {
    const anchor = /Runbook: docs\/runbooks\.md#([a-z0-9-]+)$/.exec(a.Properties.AlarmDescription)?.[1];
    expect(anchor).toBeDefined();
    expect(runbooks).toContain(`<a id="${anchor}"></a>`);
  }
});
