import { TEST_CERTIFICATE_ARN as CERT } from './support/blueprint';
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { maxConnectionsFor, notes, PHASE_PRESETS, REGION_ZONES, resolveConfig, SCALING_TABLE, SLA_ROWS } from '../config';
import { settingsFiles } from '../review/settings-doc';
import { problemsOf } from './support/config';

describe('resolveConfig', () => {
  test('GIVEN a per-phase overlay THEN only that phase takes it, over the file\'s other settings', () => {
    const settings = {
      network: { natGateways: 2 },
      phases: { phase3: { network: { natGateways: 3 }, standby: { minTasks: 3 } } },
    };
    expect(resolveConfig({ phase: 'phase2', settings }).network.natGateways).toBe(2);
    expect(resolveConfig({ phase: 'phase2', settings }).standby).toBeNull();
    const p3 = resolveConfig({ phase: 'phase3', settings });
    expect(p3.network.natGateways).toBe(3);
    expect(p3.standby).toMatchObject({ ...PHASE_PRESETS.phase3.standby, minTasks: 3 });
  });

  test('GIVEN no input WHEN resolved THEN phase 1, dev, placeholder account and three zones', () => {
    const c = resolveConfig();
    expect(c.phase).toBe('phase1');
    expect(c.stage).toBe('dev');
    expect(c.env).toEqual({ account: '111111111111', region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
    expect(c.network.natGateways).toBe(1);
  });

  test('GIVEN the phase-1 preset THEN the web service scales between the scaling table\'s bounds', () => {
    const web = resolveConfig().services.find((s) => s.name === 'web')!;
    expect(web.scaling.minTasks).toBe(SCALING_TABLE.web.min);
    expect(web.scaling.maxTasks).toBe(SCALING_TABLE.web.max);
    expect(web.scaling.cpuTargetPercent).toBe(70);
  });

  test('GIVEN every preset THEN its SLA rows are the SLA table\'s', () => {
    for (const preset of Object.values(PHASE_PRESETS)) {
      expect(preset.sla.latencyP95).toEqual(SLA_ROWS.latencyP95);
      expect(preset.sla.errorRate).toEqual(SLA_ROWS.errorRate);
      expect(preset.sla.dbConnections).toEqual(SLA_ROWS.dbConnections);
    }
  });

  test('GIVEN stage prod THEN deletion protection is on; dev leaves it off', () => {
    expect(resolveConfig({ stage: 'prod' }).protection.deletionProtection).toBe(true);
    expect(resolveConfig({ stage: 'dev' }).protection.deletionProtection).toBe(false);
  });

  test('GIVEN user settings WHEN merged THEN they override the preset field by field', () => {
    const c = resolveConfig({
      settings: { appName: 'shop', database: { backupRetentionDays: 14 }, alarms: { pageEmails: ['oncall@example.com'] } },
    });
    expect(c.appName).toBe('shop');
    expect(c.database.backupRetentionDays).toBe(14);
    expect(c.database.instanceClass).toBe(PHASE_PRESETS.phase1.database.instanceClass);
    expect(c.alarms.pageEmails).toEqual(['oncall@example.com']);
  });

  test('GIVEN context and settings both name a phase THEN the context wins', () => {
    expect(resolveConfig({ phase: 'phase2', settings: { phase: 'phase1' } }).phase).toBe('phase2');
  });

  test('GIVEN a services list THEN a known name keeps its preset sizing and a new name starts from the first service', () => {
    const c = resolveConfig({
      settings: { services: [{ name: 'web' }, { name: 'api', pathPatterns: ['/api/*'], priority: 10 }] },
    });
    const web = PHASE_PRESETS.phase1.services[0]!;
    expect(c.services.map((s) => s.name)).toEqual(['web', 'api']);
    expect(c.services[1]).toEqual({ ...web, name: 'api', pathPatterns: ['/api/*'], priority: 10 });
  });
});

describe('invalid configurations fail with one message naming the field and what is allowed', () => {
  const cases: [string, Parameters<typeof resolveConfig>[0], RegExp][] = [
    ['unknown phase', { phase: 'phase9' }, /^phase: "phase9" is not allowed; allowed: "phase1", "phase2", "phase3"$/],
    ['unknown stage', { stage: 'qa' }, /^stage: "qa" is not allowed; allowed: "dev", "staging", "prod"$/],
    [
      'min tasks above max',
      { settings: { services: [{ name: 'web', scaling: { minTasks: 8, maxTasks: 4 } }] } },
      /^services\.web\.scaling\.minTasks: 8 is greater than scaling\.maxTasks \(4\); allowed: at most 4$/,
    ],
    [
      'worker min tasks above max',
      { phase: 'phase2', settings: { workers: [{ name: 'worker', scaling: { minTasks: 9, maxTasks: 3 } }] } },
      /^workers\.worker\.scaling\.minTasks: 9 is greater than scaling\.maxTasks \(3\); allowed: at most 3$/,
    ],
    ['bad CIDR', { settings: { network: { vpcCidr: '10.0.0.0/33' } } }, /^network\.vpcCidr: "10\.0\.0\.0\/33" is not allowed; allowed: a private \(RFC 1918\) \/16 or \/17/],
    ['public CIDR', { settings: { network: { vpcCidr: '8.8.0.0/16' } } }, /^network\.vpcCidr: "8\.8\.0\.0\/16" is not allowed/],
    ['CIDR with host bits', { settings: { network: { vpcCidr: '10.0.1.0/16' } } }, /^network\.vpcCidr: "10\.0\.1\.0\/16" is not allowed/],
    ['bad region', { settings: { env: { region: 'useast1' } } }, /^env\.region: "useast1" is not allowed; allowed: an AWS region with three zones: us-east-1, us-east-2, us-west-2, /],
    [
      'zone of another region',
      { settings: { env: { availabilityZones: ['us-east-1a', 'us-east-1b', 'eu-west-1c'] } } },
      /^env\.availabilityZones\[2\]: "eu-west-1c" is not allowed; allowed: a zone of us-east-1 \(us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f\)$/,
    ],
    ['two zones', { settings: { env: { availabilityZones: ['us-east-1a', 'us-east-1b'] } } }, /^env\.availabilityZones: .* allowed: exactly three different zones of us-east-1 \(us-east-1a, .*\)$/],
    [
      'threshold out of range',
      { settings: { sla: { errorRate: { alertAbovePercent: 150 } } } },
      /^sla\.errorRate\.alertAbovePercent: 150 is not allowed; allowed: a number greater than 0 and less than 100$/,
    ],
    [
      'latency alert below its target',
      { settings: { sla: { latencyP95: { alertAboveMs: 100 } } } },
      /^sla\.latencyP95\.alertAboveMs: 100 is below the target \(200 ms\); allowed: at least sla\.latencyP95\.targetMs$/,
    ],
    [
      'domain without a certificate',
      { settings: { ingress: { domainName: 'shop.example.com' } } },
      /^ingress\.certificateArn: missing value; required when ingress\.domainName is set/,
    ],
    [
      'certificate from another region',
      { settings: { ingress: { certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/12345678-1234-1234-1234-123456789012' } } },
      /^ingress\.certificateArn: .* allowed: an ACM certificate ARN in env\.region \(us-east-1\)/,
    ],
    ['unknown instance class', { settings: { database: { instanceClass: 'x1.huge' } } }, /^database\.instanceClass: "x1\.huge" is not allowed; allowed: "t4g\.medium"/],
    [
      'storage ceiling below the initial size',
      { settings: { database: { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 } } },
      /^database\.maxAllocatedStorageGiB: 50 is less than database\.allocatedStorageGiB \(100\); allowed: at least 100$/,
    ],
    ['Fargate memory not valid for the CPU', { settings: { services: [{ name: 'web', cpu: 256, memoryMiB: 4096 }] } }, /^services\.web\.memoryMiB: 4096 is not allowed; allowed: 512, 1024, 2048$/],
    ['health-check path without a slash', { settings: { services: [{ name: 'web', healthCheckPath: 'health' }] } }, /^services\.web\.healthCheckPath: "health" is not allowed; allowed: a URL path starting with "\/", at most 1024 characters$/],
    [
      'two services with one priority',
      { settings: { services: [{ name: 'web' }, { name: 'api', pathPatterns: ['/api/*'] }] } },
      /^services\.api\.priority: 100 is already used by service "web"/,
    ],
    ['unknown field', { settings: { database: { multiAZ: false } } }, /^database\.multiAZ: unknown field; allowed: engineVersion, instanceClass/],
    ['wrong type', { settings: { network: { natGateways: 'two' } } }, /^network\.natGateways: "two" is not allowed; allowed: a whole number from 1 to 3$/],
    ['bad email', { settings: { alarms: { notifyEmails: ['not-an-email'] } } }, /^alarms\.notifyEmails\[0\]: "not-an-email" is not allowed; allowed: an email address such as oncall@example\.com$/],
    [
      'secret ARN in another region',
      { settings: { services: [{ name: 'web', secrets: { API_KEY: { secretsManager: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:api-AbCdEf' } } }] } },
      /^services\.web\.secrets\.API_KEY\.secretsManager: .* is in eu-west-1; allowed: a secret in env\.region \(us-east-1\), where the tasks run$/,
    ],
    [
      'a setting that shadows the kit\'s',
      { settings: { services: [{ name: 'web', environment: { DB_HOST: 'elsewhere' } }] } },
      /^services\.web\.environment\.DB_HOST: "DB_HOST" is set by the kit/,
    ],
    [
      'a secret with neither source',
      { settings: { services: [{ name: 'web', secrets: { TOKEN: { field: 'x' } } }] } },
      /^services\.web\.secrets\.TOKEN: .* allowed: \{ "secretsManager": name or ARN, "field"\?: JSON key \} or \{ "ssmParameter": name or ARN \}$/,
    ],
    [
      'a port that clashes with the tracing collector',
      { settings: { services: [{ name: 'web', containerPort: 4318 }] } },
      /^services\.web\.containerPort: 4318 clashes with the tracing collector's OTLP port in the same task; allowed: any port but 4317 and 4318$/,
    ],
    ['a per-phase overlay for an unknown phase', { settings: { phases: { phase4: {} } } }, /^phases\.phase4: unknown field; allowed: phase1, phase2, phase3$/],
    ['a misspelt field in a per-phase overlay', { phase: 'phase3', settings: { phases: { phase3: { standby: { minTask: 2 } } } } }, /^phases\.phase3\.standby\.minTask: unknown field; allowed: region, availabilityZones/],
    ['a root user', { settings: { services: [{ name: 'web', user: '0' }] } }, /^services\.web\.user: "0" is not allowed; allowed: a non-root numeric user/],
    ['a CDN without a web ACL', { phase: 'phase2', settings: { firewall: null } }, /^firewall: null is not allowed when edge is on: .*allowed: an object with rateLimitPer5Minutes$/],
    [
      'a CDN certificate outside us-east-1',
      { phase: 'phase2', settings: { ingress: { certificateArn: CERT, domainName: 'app.example.com', edgeCertificateArn: CERT.replace('us-east-1', 'eu-west-1') } } },
      /^ingress\.edgeCertificateArn: .* allowed: an ACM certificate ARN in us-east-1: CloudFront only uses certificates of us-east-1$/,
    ],
    [
      'a domain behind the CDN without its certificate',
      { phase: 'phase2', settings: { ingress: { certificateArn: CERT, domainName: 'app.example.com' } } },
      /^ingress\.edgeCertificateArn: missing value; required when the edge serves ingress\.domainName over HTTPS/,
    ],
    ['a CDN setting without a CDN', { settings: { ingress: { originDomainName: 'origin.example.com' } } }, /^ingress\.originDomainName: "origin\.example\.com" is not allowed when edge is null/],
    ['a static path that is not a path', { phase: 'phase2', settings: { edge: { staticPaths: [{ pathPattern: 'assets', ttlSeconds: 60 }] } } }, /^edge\.staticPaths\[0\]\.pathPattern: "assets" is not allowed; allowed: a CloudFront path pattern/],
    ['a static TTL over a year', { phase: 'phase2', settings: { edge: { staticPaths: [{ pathPattern: '/assets/*', ttlSeconds: 40_000_000 }] } } }, /^edge\.staticPaths\[0\]\.ttlSeconds: 40000000 is not allowed; allowed: a whole number from 0 to 31536000$/],
    [
      'a region without a known CloudFront prefix list',
      { phase: 'phase2', settings: { env: { region: 'af-south-1', availabilityZones: ['af-south-1a', 'af-south-1b', 'af-south-1c'] } } },
      /^edge\.originPrefixListIds\.af-south-1: missing value; the kit does not know the CloudFront origin-facing prefix list of af-south-1; allowed: its pl- id/,
    ],
    ['a standby in the primary region', { phase: 'phase3', settings: { standby: { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] } } }, /^standby\.region: "us-east-1" is env\.region; allowed: another region$/],
    ['a standby network overlapping the primary', { phase: 'phase3', settings: { standby: { vpcCidr: '10.0.0.0/17' } } }, /^standby\.vpcCidr: "10\.0\.0\.0\/17" overlaps network\.vpcCidr \(10\.0\.0\.0\/16\); allowed: a block apart from it/],
    ['a standby zone of another region', { phase: 'phase3', settings: { standby: { availabilityZones: ['us-west-2a', 'us-west-2b', 'eu-west-1c'] } } }, /^standby\.availabilityZones\[2\]: "eu-west-1c" is not allowed; allowed: a zone of us-west-2/],
    [
      'HTTPS in the primary but not the standby',
      { phase: 'phase3', settings: { ingress: { certificateArn: CERT, domainName: 'app.example.com', edgeCertificateArn: CERT } } },
      /^standby\.certificateArn: missing value; required when ingress\.certificateArn is set/,
    ],
    ['a standby with more tasks than a service may run', { phase: 'phase3', settings: { standby: { minTasks: 50 } } }, /^standby\.minTasks: 50 is not allowed; allowed: a whole number from 0 to 40 \(the smallest scaling\.maxTasks of a service without standbyTasks\)$/],
    [
      'failover DNS without the CDN',
      { phase: 'phase3', settings: { edge: null, ingress: { domainName: 'app.example.com', certificateArn: CERT, hostedZone: { id: 'Z0123456789ABC', name: 'example.com' } }, standby: { certificateArn: CERT.replace('us-east-1', 'us-west-2') } } },
      /^edge: null is not allowed with a standby and ingress\.hostedZone: failover records switch the CDN's origin name between the regions; allowed: an edge object$/,
    ],
    ['a hosted zone without a domain', { settings: { ingress: { hostedZone: { id: 'Z0123456789ABC', name: 'example.com' } } } }, /^ingress\.domainName: missing value; required when ingress\.hostedZone is set/],
    [
      'a domain outside the hosted zone',
      { settings: { ingress: { certificateArn: CERT, domainName: 'app.example.org', hostedZone: { id: 'Z0123456789ABC', name: 'example.com' } } } },
      /^ingress\.domainName: "app\.example\.org" is not allowed; allowed: a name inside ingress\.hostedZone\.name \(example\.com\)$/,
    ],
    [
      'a hosted zone behind the CDN without an origin name',
      { phase: 'phase2', settings: { ingress: { domainName: 'app.example.com', certificateArn: CERT, edgeCertificateArn: CERT, hostedZone: { id: 'Z0123456789ABC', name: 'example.com' } } } },
      /^ingress\.originDomainName: missing value; required with edge and ingress\.hostedZone/,
    ],
    [
      'too many listener conditions behind the CDN',
      { phase: 'phase2', settings: { services: [{ name: 'web', pathPatterns: ['/a/*', '/b/*', '/c/*'], hostHeaders: ['a.example.com', 'b.example.com'] }] } },
      /^services\.web\.pathPatterns: 6 listener condition values \(paths \+ hosts \+ the CDN origin header\) are not allowed; allowed: at most 5 in all$/,
    ],
  ];

  test.each(cases)('%s', (_name, input, message) => {
    const problems = problemsOf(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('GIVEN several mistakes THEN every one is reported at once', () => {
    const problems = problemsOf({ settings: { network: { natGateways: 0, vpcCidr: 'x' }, database: { readReplicas: 9 } } });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['network.vpcCidr', 'network.natGateways', 'database.readReplicas']);
  });

  test('the error message lists the problems, one per line, with no stack of CDK frames', () => {
    expect(() => resolveConfig({ phase: 'phase9' })).toThrow(/^Invalid Blueprint configuration:\n {2}- phase: "phase9"/);
  });
});

describe('maxConnectionsFor', () => {
  test.each([
    // LEAST({DBInstanceClassMemory/9531392}, 5000) on the class's memory less a tenth (at least 512 MiB): 3.5 GiB, 14.4 GiB.
    ['t4g.medium', 394],
    ['r7g.large', 1622],
    ['r7g.2xlarge', 5000],
  ])('%s allows %d connections', (instanceClass, expected) => {
    expect(maxConnectionsFor(instanceClass)).toBe(expected);
  });
});

describe('generated from the settings schema', () => {
  const files = settingsFiles();

  test.each(Object.keys(files))('%s is what `npm run docs` writes (run it when this fails)', (path) => {
    expect(readFileSync(join(__dirname, '..', path), 'utf8')).toBe(files[path]);
  });

  test('GIVEN docs/settings.md THEN every field has a description and a type', () => {
    const sections = files['docs/settings.md']!.split(/\n#{2,3} /).slice(1);
    expect(sections.length).toBeGreaterThan(150);
    for (const section of sections) expect(section).toMatch(/^`[^`]+`\n\n(?!- )[^\n]+\n\n- Type: /);
  });

  test('GIVEN docs/settings.md THEN a phase-decided field shows each phase\'s value and a stage-decided one each stage\'s', () => {
    expect(files['docs/settings.md']).toContain('### `database.instanceClass`');
    expect(files['docs/settings.md']).toMatch(/### `database\.instanceClass`[^#]*- Value: phase1: `"t4g\.medium"` · phase2: `"r7g\.large"` · phase3: `"r7g\.2xlarge"`/);
    expect(files['docs/settings.md']).toMatch(/### `protection\.deletionProtection`[^#]*- Value: dev: `false` · staging: `false` · prod: `true`/);
  });

  test('GIVEN the JSON Schema THEN an editor accepts a valid file and flags unknown keys, overlays included, and bad values', () => {
    const schema = JSON.parse(files['blueprint.settings.schema.json']!);
    expect(schema.$defs.settings.properties.cache.anyOf[0].properties.engineVersion.enum).toEqual(['7.2', '8.0', '8.1']);
    const check = new Ajv2020({ strict: false }).compile(schema);
    const valid = {
      $schema: './blueprint.settings.schema.json',
      appName: 'shop',
      services: [{ name: 'web', image: 'nginx:1.27' }],
      phases: { phase3: { standby: { minTasks: 3 } } },
    };
    expect(check(valid)).toBe(true);
    expect(resolveConfig({ phase: 'phase3', settings: valid }).standby?.minTasks).toBe(3);
    expect(check({ constructor: 1 })).toBe(false);
    expect(check({ phases: { phase3: { phase: 'phase1' } } })).toBe(false);
    expect(check({ services: [{ name: 'web', image: 'Nginx:1.27' }] })).toBe(false);
    expect(check({ cache: { engineVersion: '6.2' } })).toBe(false);
    expect(check({ cache: null })).toBe(true);
  });

  test('GIVEN a settings file naming its schema THEN it is accepted', () => {
    expect(resolveConfig({ settings: { $schema: './blueprint.settings.schema.json', appName: 'shop' } }).appName).toBe('shop');
  });
});

describe('notes', () => {
  test('GIVEN the defaults THEN three lines: plain HTTP, no page subscriber, no notify subscriber', () => {
    expect(notes(resolveConfig())).toEqual([
      expect.stringMatching(/^No ingress\.certificateArn: the load balancer serves plain HTTP/),
      expect.stringMatching(/^No subscriber on the page topic/),
      expect.stringMatching(/^No subscriber on the notify topic/),
    ]);
  });

  test('GIVEN a CDN without an origin certificate THEN a note says the origin header travels over plain HTTP', () => {
    expect(notes(resolveConfig({ phase: 'phase2' }))).toContainEqual(expect.stringMatching(/X-Origin-Verify origin header travels over plain HTTP between CloudFront and the load balancer/));
  });

  test('GIVEN a standby and secrets by name THEN a note names each one the standby region must hold, and none read by ARN', () => {
    const secrets = {
      STRIPE: { secretsManager: 'shop/stripe', field: 'key' },
      SIGNING: { ssmParameter: '/shop/signing' },
      REPORT: { secretsManager: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:shop/report-AbCdEf', standby: { secretsManager: 'arn:aws:secretsmanager:us-west-2:111111111111:secret:shop/report-GhIjKl' } },
    };
    const withStandby = notes(resolveConfig({ phase: 'phase3', settings: { services: [{ name: 'web', secrets }], schedules: [{ name: 'nightly', command: ['x'], secrets: { STRIPE: secrets.STRIPE } }] } }));
    expect(withStandby.filter((n) => n.startsWith('The standby region reads'))).toEqual([
      'The standby region reads parameter /shop/signing, secret shop/stripe by name: each must exist in standby.region (us-west-2) before its first deploy (a Secrets Manager replica keeps the name; docs/deploy.md, "Secrets in the standby region").',
    ]);
    expect(notes(resolveConfig({ phase: 'phase2', settings: { services: [{ name: 'web', secrets: { STRIPE: secrets.STRIPE } }] } })).some((n) => n.startsWith('The standby region'))).toBe(false);
  });

  test('GIVEN a certificate and subscribers THEN nothing needs saying', () => {
    const settings = { ingress: { certificateArn: CERT }, alarms: { pageEmails: ['oncall@example.com'], notifyEmails: ['team@example.com'] } };
    expect(notes(resolveConfig({ settings }))).toEqual([]);
  });
});

describe('the region table', () => {
  test('GIVEN the regions the kit deploys to THEN aws-cdk-lib knows each one, and each has the three zones every tier spans', () => {
    const known = new Set(RegionInfo.regions.map((r) => r.name));
    expect(Object.keys(REGION_ZONES).filter((r) => !known.has(r))).toEqual([]);
    expect(Object.entries(REGION_ZONES).filter(([, letters]) => letters.length < 3)).toEqual([]);
  });
});
