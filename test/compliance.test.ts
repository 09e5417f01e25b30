import { acknowledgements, compliancePacks, covers, openFindings, rawFindings } from '../lib/compliance';
import { PHASES, STAGE_DEFAULTS, STAGES } from '../config';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { synthesize } from './support/blueprint';

// GIVEN every phase in every stage with its own defaults (prod with HTTPS), each synthesized once.
// A stage whose defaults equal an earlier one's synthesizes the same resources; `npm run check` runs all nine.
const distinctStages = STAGES.filter((stage, i) => STAGES.findIndex((other) => JSON.stringify(STAGE_DEFAULTS[other]) === JSON.stringify(STAGE_DEFAULTS[stage])) === i);
const variants = PHASES.flatMap((phase) =>
  distinctStages.map((stage) => {
    const settings = stage === 'prod' ? PRODUCTION_SETTINGS : undefined;
    return [`${phase}, ${stage}`, synthesize({ phase, stage, settings })] as const;
  }),
);

describe.each(variants)('compliance of %s', (_name, s) => {
  test('THEN no pack reports an unacknowledged error or warning', () => {
    for (const pack of compliancePacks()) {
      expect(openFindings(pack, s.app)).toEqual([]);
    }
  });

  test('THEN every acknowledgement gives a reason a reviewer can check', () => {
    const acks = acknowledgements(s.app).filter((a) => !a.id.startsWith('CloudFormation-Validate'));
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.reason.length).toBeGreaterThanOrEqual(60);
    }
  });

  test('THEN every acknowledgement still matches a finding on its resource', () => {
    const raw = compliancePacks().flatMap((pack) => rawFindings(pack, s.app));
    // Control Tower and CloudFormation-validator acknowledgements (`plugin::rule`) are checked by `npm run check`.
    const stale = acknowledgements(s.app)
      .filter((a) => !a.id.includes('::'))
      .filter((a) => !raw.some((f) => covers(a, f)));
    expect(stale).toEqual([]);
  });
});
