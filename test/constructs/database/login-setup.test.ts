import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DEPLOY_TASK_RUN_TYPE, LOGIN_SETUP_SCRIPT, LOGIN_SETUP_SQL, LoginSetup } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

// GIVEN the database, its group, key and secrets in one stack and the cluster and the setup in another, as the kit places them
const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
const env = { account: '111111111111', region: 'us-east-1' };
const data = new Stack(app, 'Data', { env });
const vpc = new ec2.Vpc(data, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 });
const key = new kms.Key(data, 'Key');
const dbGroup = new ec2.SecurityGroup(data, 'DbGroup', { vpc, allowAllOutbound: false });
const master = new secretsmanager.Secret(data, 'Master', { encryptionKey: key });
const login = new secretsmanager.Secret(data, 'Login', { encryptionKey: key });
const appStack = new Stack(app, 'App', { env });
const cluster = new ecs.Cluster(appStack, 'Cluster', { vpc });
const setup = new LoginSetup(appStack, 'LoginSetup', {
  cluster,
  database: { address: 'db.example.internal', port: 5432, name: 'shop', securityGroup: dbGroup },
  masterSecret: master,
  loginSecret: login,
  username: 'shop',
  subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  encryptionKey: key,
  logRetention: logs.RetentionDays.ONE_MONTH,
});
const template = Template.fromStack(appStack);
const dataTemplate = Template.fromStack(data);

describe('LoginSetup', () => {
  test('THEN the task logs in as the master user and reads the login secret, from Secrets Manager only', () => {
    const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const container = task!.Properties.ContainerDefinitions[0];
    expect(container.Secrets.map((s: { Name: string }) => s.Name).sort()).toEqual(['APP_PASSWORD', 'APP_USERNAME', 'PGPASSWORD', 'PGUSER']);
    expect(JSON.stringify(container.Environment)).not.toMatch(/password/i);
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'APP_LOGIN', Value: 'shop' }, { Name: 'PGHOST', Value: 'db.example.internal' }, { Name: 'PGDATABASE', Value: 'shop' }]));
    expect(container.Image).toMatch(/^public\.ecr\.aws\/docker\/library\/postgres:/);
    expect(container.Command).toEqual([LOGIN_SETUP_SCRIPT]);
    // Not root, read-only root filesystem with a scratch /tmp, a hard memory limit.
    expect(container).toMatchObject({ User: '70', ReadonlyRootFilesystem: true, Memory: 512 - 16, MountPoints: [{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }] });
    // Every container has a hard limit (Control Tower CT.ECS.PR.7), and together they fit the task's 512 MiB.
    expect(task!.Properties.ContainerDefinitions.map((c: { Memory: number }) => c.Memory)).toEqual([512 - 16, 16]);
  });

  test('THEN the execution role decrypts the secrets through Secrets Manager only, and the data stack\'s key policy is untouched', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::ImportValue': Match.stringLikeRegexp('GetAttKey.*Arn') }, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } },
        ]),
      },
    });
    expect(JSON.stringify(dataTemplate.toJSON())).not.toMatch(/LoginSetup/);
  });

  test('THEN the setup script verifies the server certificate and passes the twin name to psql, not a shell variable of its own', () => {
    expect(LOGIN_SETUP_SCRIPT).toContain('PGSSLMODE=verify-full');
    expect(LOGIN_SETUP_SCRIPT).toContain('twin="$APP_LOGIN"_clone');
    // No ${...}: CloudFormation validators read it as an Fn::Sub parameter outside one.
    expect(LOGIN_SETUP_SCRIPT).not.toContain('${');
    expect(LOGIN_SETUP_SCRIPT).toContain('-v ON_ERROR_STOP=1');
  });

  test('THEN the setup creates both logins and runs the twin as the login, so objects have one owner whichever twin is current', () => {
    expect(LOGIN_SETUP_SQL).toMatch(/CREATE ROLE %I LOGIN', r\) FROM \(VALUES \(:'base'\), \(:'twin'\)\) AS t\(r\) WHERE NOT EXISTS/);
    expect(LOGIN_SETUP_SQL).toContain("format('GRANT %I TO %I', :'base', :'twin')");
    expect(LOGIN_SETUP_SQL).toContain("format('ALTER ROLE %I SET role = %L', :'twin', :'base')");
  });

  test('THEN it sets the password of the login the secret names, and only that one: a new secret works on a database that has the logins already', () => {
    const passwords = LOGIN_SETUP_SQL.split('\n').filter((l) => /PASSWORD/.test(l));
    expect(passwords).toEqual(["SELECT format('ALTER ROLE %I PASSWORD %L', :'current', :'password') \\gexec"]);
    // After the roles exist: ALTER ROLE fails on a missing role.
    expect(LOGIN_SETUP_SQL.indexOf('CREATE ROLE')).toBeLessThan(LOGIN_SETUP_SQL.indexOf('PASSWORD'));
  });

  test('THEN the task reaches the database port and HTTPS only, and the database admits it by a rule in this stack', () => {
    const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Application login setup') } }));
    expect(group!.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('DbGroup') } });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { Description: 'Application login setup', FromPort: 5432, ToPort: 5432, GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('DbGroup') } });
    dataTemplate.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('THEN the run starts this task with its group, and runs again when the login name changes', () => {
    template.hasResourceProperties(DEPLOY_TASK_RUN_TYPE, {
      TaskDefinition: { Ref: Match.stringLikeRegexp('^LoginSetupTask') },
      Container: 'psql',
      SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^LoginSetupSecurityGroup'), 'GroupId'] }],
      Login: 'shop',
    });
    expect(setup.run.resource).toBeDefined();
  });
});
