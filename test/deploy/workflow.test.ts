import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';

// GIVEN the pipeline as committed: the workflow and the reusable stage workflow it calls
const DIR = join(__dirname, '..', '..', '.github', 'workflows');
const text = (file: string): string => readFileSync(join(DIR, file), 'utf8');

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly environment?: string;
  readonly strategy?: { readonly matrix: Record<string, unknown[]> };
  readonly steps?: Step[];
  readonly env?: Record<string, unknown>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const pipeline = parse(text('deploy.yml')) as Workflow;
const stage = parse(text('guarded-deploy.yml')) as Workflow;
const STAGE_WORKFLOW = './.github/workflows/guarded-deploy.yml';
const needs = (job: Job): string[] => (job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs);

describe('the pipeline workflow', () => {
  test('THEN both workflows pass the GitHub Actions schema (action-validator)', () => {
    for (const file of ['deploy.yml', 'guarded-deploy.yml']) expect({ file, errors: validateWorkflow(text(file)).errors }).toEqual({ file, errors: [] });
  });

  test('THEN the schema check is live: a malformed workflow fails it', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: maybe\n    steps: 3\n';
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  test('THEN it runs on pull requests and merges to main, and reads only the code unless a job asks for more', () => {
    expect(Object.keys(pipeline.on)).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(pipeline.on.push).toEqual({ branches: ['main'] });
    expect(pipeline.permissions).toEqual({ contents: 'read' });
    expect(pipeline.jobs.test!.permissions).toBeUndefined();
  });

  test('THEN every change is tested and checked first, by the CI script (npm ci, npm test, npm run check)', () => {
    expect(pipeline.jobs.test!.steps!.map((s) => s.run).filter(Boolean)).toContain('.ci/run');
    expect(readFileSync(join(__dirname, '..', '..', '.ci', 'run'), 'utf8')).toMatch(/npm ci[^\n]*\nnpm test\nnpm run check/);
    expect(Object.keys(pipeline.jobs)).toEqual(['test', 'plan', 'deploy-dev', 'deploy-staging', 'deploy-prod', 'deploy-by-hand']);
    for (const id of ['plan', 'deploy-dev', 'deploy-by-hand']) expect(needs(pipeline.jobs[id]!)).toEqual(['test']);
  });

  test('WHEN a pull request opens THEN every stage is planned against what is deployed, after the tests, and nothing deploys', () => {
    const plan = pipeline.jobs.plan!;
    expect(plan.if).toBe("github.event_name == 'pull_request'");
    expect(needs(plan)).toEqual(['test']);
    expect(plan.strategy!.matrix.stage).toEqual(['dev', 'staging', 'prod']);
    expect(plan.uses).toBe(STAGE_WORKFLOW);
    expect(plan.with).toEqual({ stage: '${{ matrix.stage }}', environment: '${{ matrix.stage }}-plan', 'plan-only': true });
  });

  test('WHEN main changes THEN it deploys dev, then staging, then prod, each in its own environment, prod behind the prod environment\'s reviewers', () => {
    const { 'deploy-dev': dev, 'deploy-staging': staging, 'deploy-prod': prod } = pipeline.jobs;
    expect(dev!.if).toBe("github.event_name == 'push'");
    expect(needs(dev!)).toEqual(['test']);
    expect(needs(staging!)).toEqual(['deploy-dev']);
    expect(needs(prod!)).toEqual(['deploy-staging']);
    expect([dev, staging, prod].map((j) => [j!.uses, j!.with])).toEqual([
      [STAGE_WORKFLOW, { stage: 'dev', environment: 'dev' }],
      [STAGE_WORKFLOW, { stage: 'staging', environment: 'staging' }],
      [STAGE_WORKFLOW, { stage: 'prod', environment: 'prod' }],
    ]);
  });

  test('WHEN a deliberate migration is run by hand THEN it goes through the stage\'s own environment with the override inputs', () => {
    const byHand = pipeline.jobs['deploy-by-hand']!;
    expect(byHand.if).toBe("github.event_name == 'workflow_dispatch'");
    expect(byHand.with).toMatchObject({ environment: '${{ inputs.stage }}', 'allow-replace': '${{ inputs.allow-replace }}', reason: '${{ inputs.reason }}', force: '${{ inputs.force }}' });
  });

  test('THEN exactly the jobs that reach AWS may request an OIDC token', () => {
    for (const [id, job] of Object.entries(pipeline.jobs)) {
      expect({ id, idToken: job.permissions?.['id-token'] }).toEqual({ id, idToken: job.uses === STAGE_WORKFLOW ? 'write' : undefined });
    }
  });
});

describe('the stage workflow', () => {
  const job = stage.jobs['guarded-deploy']!;
  const steps = job.steps!;

  test('THEN it is only callable from the pipeline, and runs in the GitHub environment it is given', () => {
    expect(Object.keys(stage.on)).toEqual(['workflow_call']);
    expect(job.environment).toBe('${{ inputs.environment }}');
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  test('THEN it assumes the environment\'s role through OIDC, and no step anywhere uses AWS access keys', () => {
    const login = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
    expect(login.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_ROLE_ARN }}', 'aws-region': '${{ vars.AWS_REGION }}' });
    for (const [file, workflow] of [['deploy.yml', pipeline], ['guarded-deploy.yml', stage]] as const) {
      for (const j of Object.values(workflow.jobs)) {
        for (const s of j.steps ?? []) {
          const keys = [...Object.keys(s.with ?? {}), ...Object.keys(s.env ?? {}), ...Object.keys(j.env ?? {})];
          expect({ file, keys: keys.filter((k) => /aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i.test(k)) }).toEqual({ file, keys: [] });
        }
      }
      expect(text(file)).not.toMatch(/secrets\.AWS|aws-access-key-id|AWS_SECRET_ACCESS_KEY/i);
    }
  });

  test('THEN it plans or deploys with the guarded deploy, never with a bare cdk deploy, and the plan lands in the job summary', () => {
    const plan = steps.find((s) => s.if === 'inputs.plan-only')!;
    const deploy = steps.find((s) => s.if === '${{ !inputs.plan-only }}')!;
    expect(plan.run).toMatch(/npm run --silent deploy -- --phase "\$PHASE" --stage "\$STAGE" --settings "blueprint\.\$STAGE\.settings\.json" --plan-only --markdown \| tee -a "\$GITHUB_STEP_SUMMARY"/);
    expect(deploy.run).toMatch(/npm run --silent deploy -- --phase "\$PHASE" --stage "\$STAGE" [^\n]*"\$\{args\[@\]\}"/);
    expect(deploy.run).not.toMatch(/--plan-only/);
    expect(text('guarded-deploy.yml')).not.toMatch(/cdk deploy/);
    // The guarded deploy is the npm script the steps call.
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.deploy).toBe('tsx bin/deploy.ts');
    expect(steps.findIndex((s) => s.uses?.startsWith('aws-actions/'))).toBeLessThan(steps.indexOf(plan));
  });

  test('THEN no input or variable is spliced into a shell script: they arrive as environment variables', () => {
    for (const s of steps) expect(s.run ?? '').not.toMatch(/\$\{\{/);
  });
});
