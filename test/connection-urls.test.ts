import { Template } from 'aws-cdk-lib/assertions';
import { resolveConfig } from '../config';
import { redisUrlKey } from '../constructs';
import { stackName } from '../lib/blueprint';
import { DEPLOYABILITY, formatFinding, runGate } from '../review/gate';
import { synthesizeDeployment } from '../review/plan';
import { CDK_CONTEXT, synthesize } from './support/blueprint';

/**
 * GIVEN phase 1 with an application login, a job store without cluster mode
 * beside the preset cache (cluster mode), and a web service reading six URLs,
 * two of them database 1 of the job store, one with a query.
 */
const s = synthesize({
  phase: 'phase1',
  settings: {
    database: { applicationLogin: 'app_user' },
    redis: [{ name: 'jobs', clusterMode: false }],
    services: [
      {
        name: 'web',
        connectionUrls: {
          DATABASE_URL: { to: 'database' },
          READ_DATABASE_URL: { to: 'database-reader' },
          REDIS_URL: { to: 'cache' },
          CELERY_BROKER_URL: { to: 'redis:jobs', redisDatabase: 1 },
          CELERY_RESULT_BACKEND: { to: 'redis:jobs', redisDatabase: 1, query: { ssl_cert_reqs: 'required' } },
          X_URL: { to: 'database', query: { uselibpqcompat: 'true', application_name: 'web &1' } },
        },
      },
    ],
  },
});

type Container = { Name: string; Environment: Array<{ Name: string; Value: unknown }>; Secrets: Array<{ Name: string; ValueFrom: unknown }> };
function app(t: Template): Container {
  const def = Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]!;
  return (def.Properties.ContainerDefinitions as Container[]).find((c) => c.Name === 'App')!;
}
const env = (t: Template): Record<string, any> => Object.fromEntries(app(t).Environment.map((e) => [e.Name, e.Value]));
const secrets = (t: Template): Record<string, any> => Object.fromEntries(app(t).Secrets.map((e) => [e.Name, e.ValueFrom]));
/** The parts of an Fn::Join with an empty delimiter. */
function joinParts(value: any): unknown[] {
  expect(value['Fn::Join']?.[0]).toBe('');
  return value['Fn::Join'][1];
}
/** The URL secrets of a data stack, by the group id in their description. */
function urlSecrets(t: Template): Array<{ id: string; props: any; metadata: any }> {
  return Object.entries(t.findResources('AWS::SecretsManager::Secret'))
    .filter(([, r]) => String(r.Properties.Description).startsWith('Connection URLs'))
    .map(([id, r]) => ({ id, props: r.Properties, metadata: r.Metadata }));
}
/** The JSON of a SecretString joined from literals and tokens, with each token shown as its JSON. */
function secretJson(props: any): string {
  return joinParts(props.SecretString)
    .map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
    .join('');
}

describe('Connection URLs (ADR 0031)', () => {
  test('THEN DATABASE_URL is plain, joined from the primary endpoint tokens, with sslmode and no user or password', () => {
    const parts = joinParts(env(s.web).DATABASE_URL);
    expect(parts).toEqual([
      'postgresql://',
      { 'Fn::ImportValue': expect.stringMatching(/DatabaseInstance.*EndpointAddress/) },
      ':',
      { 'Fn::ImportValue': expect.stringMatching(/DatabaseInstance.*EndpointPort/) },
      '/app?sslmode=require',
    ]);
    // The same tokens PGHOST and PGPORT hold.
    expect(parts[1]).toEqual(env(s.web).PGHOST);
    expect(parts[3]).toEqual(env(s.web).PGPORT);
  });

  test('THEN the query pairs are URL-encoded after the kit\'s sslmode', () => {
    expect(joinParts(env(s.web).X_URL).at(-1)).toBe('/app?sslmode=require&uselibpqcompat=true&application_name=web%20%261');
  });

  test('THEN READ_DATABASE_URL points at DB_READ_HOST', () => {
    const parts = joinParts(env(s.web).READ_DATABASE_URL);
    expect(parts[1]).toEqual(env(s.web).DB_READ_HOST);
  });

  test('THEN no password, token or dynamic reference is in any plain variable, and the login pair still arrives as secrets', () => {
    const plain = JSON.stringify(app(s.web).Environment);
    expect(plain).not.toMatch(/resolve:secretsmanager|AuthToken|password/i);
    expect(Object.keys(secrets(s.web))).toEqual(expect.arrayContaining(['PGUSER', 'PGPASSWORD']));
  });

  test('THEN each group read gets one URL secret in the data stack, encrypted with the data key, composed from the token dynamic reference and the endpoint', () => {
    const all = urlSecrets(s.data);
    expect(all).toHaveLength(2);
    const jobs = all.find((x) => x.props.Description.includes('blueprint-dev-jobs'))!;
    const json = secretJson(jobs.props);
    // Only the URLs the apps read (db1, bare and with its query): each URL costs one of the template's 60 dynamic references.
    const url = (path: string) =>
      `rediss:\\/\\/:\\{\\{resolve:secretsmanager:\\{"Ref":"RedisjobsAuthToken[0-9A-F]+"\\}:SecretString:::\\}\\}@\\{"Fn::GetAtt":\\["RedisjobsReplicationGroup[0-9A-F]+","PrimaryEndPoint.Address"\\]\\}:\\{"Fn::GetAtt":\\["RedisjobsReplicationGroup[0-9A-F]+","PrimaryEndPoint.Port"\\]\\}${path}`;
    const key = redisUrlKey({ database: 1, query: { ssl_cert_reqs: 'required' } });
    expect(json).toMatch(new RegExp(`^\\{"db1":"${url('\\/1')}","${key}":"${url('\\/1\\?ssl_cert_reqs=required')}"\\}$`));
    expect(jobs.props.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
    expect(jobs.metadata['blueprint:state-class']).toBe('stateless');
  });

  test('THEN the cluster-mode cache gets only db0, on its configuration endpoint', () => {
    const cache = urlSecrets(s.data).find((x) => x.props.Description.includes('blueprint-dev-cache'))!;
    expect(secretJson(cache.props)).toMatch(/^\{"db0":"rediss:\/\/:\{\{resolve:secretsmanager:\{"Ref":"CacheAuthToken[0-9A-F]+"\}:SecretString:::\}\}@\{"Fn::GetAtt":\["CacheReplicationGroup[0-9A-F]+","ConfigurationEndPoint.Address"\]\}:.*\/0"\}$/);
  });

  test('THEN the task reads the JSON key of its database as the variable, and the execution role may read exactly those URL secrets', () => {
    const sec = secrets(s.web);
    expect(sec.CELERY_BROKER_URL).toEqual({ 'Fn::Join': ['', [{ 'Fn::ImportValue': expect.stringMatching(/RedisjobsUrls/) }, ':db1::']] });
    expect(sec.CELERY_RESULT_BACKEND).toEqual({ 'Fn::Join': ['', [{ 'Fn::ImportValue': expect.stringMatching(/RedisjobsUrls/) }, `:${redisUrlKey({ database: 1, query: { ssl_cert_reqs: 'required' } })}::`]] });
    expect(sec.REDIS_URL).toEqual({ 'Fn::Join': ['', [{ 'Fn::ImportValue': expect.stringMatching(/CacheUrls/) }, ':db0::']] });
    const statements = Object.values(s.web.findResources('AWS::IAM::Policy'))
      .filter((p) => /ExecutionRole/.test(JSON.stringify(p.Properties.Roles)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>);
    const reads = statements.filter((st) => JSON.stringify(st.Action).includes('secretsmanager:GetSecretValue')).map((st) => JSON.stringify(st.Resource));
    const urlReads = reads.flatMap((r) => (JSON.parse(r) as Array<{ 'Fn::ImportValue': string }>).map((x) => x['Fn::ImportValue'])).filter((name) => /Urls/.test(name));
    expect(urlReads).toEqual([expect.stringMatching(/ExportsOutputRefCacheUrlsSecret/), expect.stringMatching(/ExportsOutputRefRedisjobsUrlsSecret/)]);
  });
});

/**
 * GIVEN phase 3 (a standby region) with verify-full, a job store read by the
 * web service (database 2) and the worker (database 0).
 */
describe('Connection URLs in phase 3, in both regions', () => {
  const config = resolveConfig({
    phase: 'phase3',
    settings: {
      database: { sslMode: 'verify-full' },
      redis: [{ name: 'jobs', clusterMode: false }],
      services: [{ name: 'web', connectionUrls: { DATABASE_URL: { to: 'database' }, READ_DATABASE_URL: { to: 'database-reader' }, CELERY_BROKER_URL: { to: 'redis:jobs', redisDatabase: 2 } } }],
      workers: [{ name: 'worker', connectionUrls: { REDIS_URL: { to: 'redis:jobs' } } }],
    },
  });
  const deployment = synthesizeDeployment(config, CDK_CONTEXT, { pathMetadata: true });
  const template = (role: string): Template => Template.fromJSON(deployment[stackName(config, role)]!.template as any);

  test('THEN with verify-full the URL names the CA bundle, and the reader URL the first replica, whose name the certificate holds', () => {
    const web = env(template('service-web'));
    expect(joinParts(web.DATABASE_URL).at(-1)).toBe('/app?sslmode=verify-full&sslrootcert=/etc/rds-ca/rds-ca-bundle.pem');
    const reader = joinParts(web.READ_DATABASE_URL);
    expect(reader[1]).not.toEqual(web.DB_READ_HOST);
    expect(reader[1]).toEqual({ 'Fn::ImportValue': expect.stringMatching(/DatabaseReplica1.*EndpointAddress/) });
  });

  test('THEN the job store\'s URL secret holds exactly the databases the web service and the worker read', () => {
    const [jobs] = urlSecrets(template('data'));
    expect(urlSecrets(template('data'))).toHaveLength(1);
    expect(secretJson(jobs!.props)).toMatch(/^\{"db0":"rediss:\/\/:\{\{resolve:secretsmanager:.*\/0","db2":"rediss:\/\/:.*\/2"\}$/);
    expect(secrets(template('worker-worker')).REDIS_URL).toEqual({ 'Fn::Join': ['', [{ 'Fn::ImportValue': expect.stringMatching(/RedisjobsUrls/) }, ':db0::']] });
  });

  test('THEN the standby composes its own URL secret from its own token and group, and its tasks read that one', () => {
    const standby = urlSecrets(template('standby-data'));
    expect(standby).toHaveLength(1);
    expect(secretJson(standby[0]!.props)).toMatch(/^\{"db0":"rediss:\/\/:\{\{resolve:secretsmanager:\{"Ref":"RedisjobsAuthToken[0-9A-F]+"\}:SecretString:::\}\}@\{"Fn::GetAtt":\["RedisjobsReplicationGroup[0-9A-F]+","PrimaryEndPoint.Address"\]\}/);
    const read = secrets(template('standby-service-web')).CELERY_BROKER_URL;
    expect(read).toEqual({ 'Fn::Join': ['', [{ 'Fn::ImportValue': expect.stringMatching(new RegExp(`^${stackName(config, 'standby-data')}:.*RedisjobsUrls`)) }, ':db2::']] });
  });

  test('THEN no deployability rule fires (tasks read only their own region)', () => {
    expect(runGate(DEPLOYABILITY, { deployment }).map(formatFinding)).toEqual([]);
  });
});
