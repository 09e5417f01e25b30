import { Match } from 'aws-cdk-lib/assertions';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../config';
import { synthesize, TEST_CERTIFICATE_ARN } from './support/blueprint';

// GIVEN phase 1 without a certificate (HTTP) and with one (HTTPS), each synthesized once
const http = synthesize();
const https = synthesize({ stage: 'prod', settings: { ingress: { certificateArn: TEST_CERTIFICATE_ARN, domainName: 'shop.example.com' } } });

describe('PublicLoadBalancer', () => {
  test('THEN an internet-facing ALB in the public subnets that drops invalid headers and logs access', () => {
    const lb = Object.values(http.appStack.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0]!;
    expect(lb.Properties.Scheme).toBe('internet-facing');
    // Cross-stack references name the data stack's subnet they resolve to.
    const subnets = lb.Properties.Subnets.map((s: unknown) => JSON.stringify(s));
    expect(subnets).toHaveLength(3);
    [1, 2, 3].forEach((n, i) => expect(subnets[i]).toMatch(new RegExp(`NetworkVpcpublicSubnet${n}Subnet`)));
    expect(lb.Properties.LoadBalancerAttributes).toEqual(
      expect.arrayContaining([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'deletion_protection.enabled', Value: 'false' },
      ]),
    );
  });

  test('GIVEN no certificate THEN one HTTP listener whose unmatched requests get a 404', () => {
    http.appStack.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    http.appStack.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
    });
  });

  test('GIVEN a certificate THEN HTTPS with the TLS 1.3 policy, and port 80 redirects permanently', () => {
    https.appStack.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: TEST_CERTIFICATE_ARN }],
    });
    https.appStack.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    const rule = Object.values(https.web.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'))[0]!;
    expect(JSON.stringify(rule.Properties.ListenerArn)).toMatch(/IngressLoadBalancerHttps/);
  });

  test('GIVEN prod THEN the load balancer has deletion protection', () => {
    https.appStack.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });

  test('THEN its security group admits only the listener ports, and reaches only the tasks', () => {
    const sg = Object.values(http.appStack.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Public load balancer') } }))[0]!;
    expect(sg.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 })]);
    const tlsSg = Object.values(https.appStack.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Public load balancer') } }))[0]!;
    expect(tlsSg.Properties.SecurityGroupIngress.map((r: { FromPort: number }) => r.FromPort).sort()).toEqual([443, 80]);
    // One rule pair between the load balancer and all tasks, in the app stack; none per service (the other egress rule is the login setup's to the database, ADR 0032).
    http.appStack.resourceCountIs('AWS::EC2::SecurityGroupEgress', 2);
    http.appStack.resourcePropertiesCountIs('AWS::EC2::SecurityGroupEgress', { FromPort: 8080 }, 1);
    http.appStack.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      FromPort: 8080,
      ToPort: 8080,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TasksGroup'), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngressSecurityGroup'), 'GroupId'] },
    });
    http.appStack.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TasksGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngressSecurityGroup'), 'GroupId'] },
    });
    http.web.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    http.web.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    http.web.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });

  test('THEN access logs go to a versioned, TLS-only, retained bucket with a lifecycle', () => {
    http.data.hasResource('AWS::S3::Bucket', {
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365, Status: 'Enabled' })] },
      },
      DeletionPolicy: 'Retain',
    });
    http.data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('WebService', () => {
  test('THEN a Fargate task with the configured image, size, a hard memory limit and (in prod) a read-only root', () => {
    https.web.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '512',
      Memory: '1024',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'App',
          Image: 'public.ecr.aws/nginx/nginx-unprivileged:stable-alpine',
          Memory: 1024 - 256 - 16,
          ReadonlyRootFilesystem: true,
          PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
          MountPoints: [{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }],
          HealthCheck: Match.objectLike({ Command: ['CMD-SHELL', 'wget -q -O /dev/null http://localhost:8080/ || exit 1'] }),
        }),
      ]),
    });
  });

  test('THEN the container gets endpoints as settings and credentials only as ECS secrets', () => {
    const task = Object.values(http.web.findResources('AWS::ECS::TaskDefinition'))[0]!;
    const container = task.Properties.ContainerDefinitions[0];
    const env = Object.fromEntries(container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
    expect(Object.keys(env).filter((k) => !k.startsWith('OTEL_')).sort()).toEqual([
      'DB_HOST', 'DB_NAME', 'DB_PORT', 'DB_READ_HOST', 'DB_READ_HOSTS', 'DB_SSLMODE', 'HOME', 'LOG_FORMAT', 'PGDATABASE', 'PGHOST', 'PGPORT', 'PGSSLMODE', 'REDIS_CLUSTER', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_TLS', 'TRUSTED_PROXY_HOPS',
    ]);
    expect(JSON.stringify(container.Environment)).not.toMatch(/PASSWORD|TOKEN|SecretString/);
    const secrets = Object.fromEntries(container.Secrets.map((s: { Name: string; ValueFrom: unknown }) => [s.Name, JSON.stringify(s.ValueFrom)]));
    expect(Object.keys(secrets).sort()).toEqual(['DB_PASSWORD', 'DB_USERNAME', 'PGPASSWORD', 'PGUSER', 'REDIS_AUTH_TOKEN']);
    // The application login's secret, rotated with alternating users (ADR 0027).
    expect(secrets.DB_PASSWORD).toMatch(/ApplicationLoginSecretAttachment.*:password::/);
    expect(secrets.REDIS_AUTH_TOKEN).toMatch(/CacheAuthToken/);
  });

  test('THEN the execution role may decrypt with the data key only through Secrets Manager', () => {
    http.web.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } }),
        ]),
      },
    });
  });

  test('THEN the service runs in the private subnets, without public IPs, with a rolling-back circuit breaker', () => {
    const service = Object.values(http.web.findResources('AWS::ECS::Service'))[0]!;
    expect(service.Properties).toMatchObject({
      LaunchType: 'FARGATE',
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200 },
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    });
    // Left to autoscaling: a deploy must not reset the running count.
    expect(service.Properties.DesiredCount).toBeUndefined();
    const subnets = JSON.stringify(service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets);
    expect(subnets).toMatch(/privateSubnet1/);
    expect(subnets).not.toMatch(/publicSubnet|dataSubnet/);
  });

  test('THEN the target group health-checks the configured path', () => {
    http.web.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 8080,
      HealthCheckPath: '/',
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
    });
  });

  test('THEN the listener routes the service\'s path patterns at its priority', () => {
    http.web.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 100,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
    });
  });

  test('THEN it scales 2-10 tasks on CPU 70% and on requests per target', () => {
    http.web.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    http.web.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
    http.web.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 6000,
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    });
  });

  test('THEN logs go to an encrypted group kept 30 days, and the cluster has Container Insights', () => {
    http.web.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30, KmsKeyId: Match.anyValue() },
      DeletionPolicy: 'Retain',
    });
    http.appStack.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });
});

describe('tracing and logs', () => {
  const container = (t: typeof http.web, name: string): Record<string, any> =>
    Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions.find((c: { Name: string }) => c.Name === name);
  const env = (c: Record<string, any>): Record<string, string> => Object.fromEntries(c.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]));

  test('THEN an ADOT collector sidecar exports to X-Ray, non-essential, its memory taken from the task\'s', () => {
    const collector = container(http.web, 'OtelCollector');
    expect(collector).toMatchObject({ Image: 'public.ecr.aws/aws-observability/aws-otel-collector:latest', Essential: false, Memory: 256, User: '10001' });
    expect(env(collector).AOT_CONFIG_CONTENT).toMatch(/exporters:\n {2}awsxray:/);
    expect(container(http.web, 'App').Memory).toBe(1024 - 256 - 16);
    expect(container(http.web, 'VolumeOwner').Memory).toBe(16);
    expect(container(https.web, 'OtelCollector').ReadonlyRootFilesystem).toBe(true);
    const taskPolicy = Object.entries(https.web.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('WebTaskDefinitionTaskRole'))![1];
    const xray = taskPolicy.Properties.PolicyDocument.Statement.find((st: { Action: string[] }) => ([] as string[]).concat(st.Action).includes('xray:PutTraceSegments'));
    expect(xray).toMatchObject({ Action: ['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' });
  });

  test('THEN the app samples 100% of traces in dev and 1% in prod, and logs JSON', () => {
    expect(env(container(http.web, 'App'))).toMatchObject({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1', OTEL_SERVICE_NAME: 'web', LOG_FORMAT: 'json' });
    expect(env(container(https.web, 'App')).OTEL_TRACES_SAMPLER_ARG).toBe('0.01');
  });

  test('GIVEN no collector image THEN no sidecar and no X-Ray permission', () => {
    const bare = synthesize({ settings: { telemetry: { collectorImage: null } } });
    expect(container(bare.web, 'OtelCollector')).toBeUndefined();
    expect(JSON.stringify(bare.web.toJSON())).not.toContain('xray:');
  });
});

describe('operator access and safe deploys', () => {
  const service = (t: typeof http.web): Record<string, any> => Object.values(t.findResources('AWS::ECS::Service'))[0]!.Properties;
  const app = (t: typeof http.web): Record<string, any> =>
    Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions.find((c: { Name: string }) => c.Name === 'App');

  test('GIVEN dev THEN ECS Exec is on, its sessions encrypted with the data key and logged, and the root filesystem writable for its agent', () => {
    expect(service(http.web).EnableExecuteCommand).toBe(true);
    http.appStack.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/ecs-exec/blueprint-dev', RetentionInDays: 30, KmsKeyId: Match.anyValue() },
      DeletionPolicy: 'Retain',
    });
    http.appStack.hasResourceProperties('AWS::ECS::Cluster', {
      Configuration: {
        ExecuteCommandConfiguration: {
          KmsKeyId: Match.anyValue(),
          Logging: 'OVERRIDE',
          LogConfiguration: { CloudWatchLogGroupName: '/ecs-exec/blueprint-dev', CloudWatchEncryptionEnabled: true },
        },
      },
    });
    expect(app(http.web).ReadonlyRootFilesystem).toBe(false);
  });

  test('GIVEN dev THEN the task role may write the session log and decrypt the session key, as the SSM agent needs', () => {
    const statements = Object.entries(http.web.findResources('AWS::IAM::Policy'))
      .filter(([id]) => /TaskRoleDefaultPolicy/.test(id))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const allowing = (action: string) => statements.filter((st) => ([] as string[]).concat(st.Action).includes(action));
    const write = allowing('logs:PutLogEvents');
    expect(write).toHaveLength(1);
    expect(([] as string[]).concat(write[0]!.Action).sort()).toEqual(['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
    // Scoped to the session log group's streams.
    expect(write[0]!.Resource).toBe('arn:aws:logs:us-east-1:111111111111:log-group:/ecs-exec/blueprint-dev:*');
    expect(allowing('logs:DescribeLogGroups')).toEqual([expect.objectContaining({ Resource: '*' })]);
    expect(allowing('kms:Decrypt').map((st) => JSON.stringify(st.Resource)).join()).toMatch(/DataKey/);
  });

  test('GIVEN prod THEN ECS Exec is off and the root filesystem read-only', () => {
    expect(service(https.web).EnableExecuteCommand).toBe(false);
    expect(app(https.web).ReadonlyRootFilesystem).toBe(true);
    https.appStack.hasResourceProperties('AWS::ECS::Cluster', { Configuration: Match.absent() });
    // The session log group stays, so turning Exec on later never meets a retained group of the same name.
    https.appStack.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/ecs-exec/blueprint-prod' });
  });

  test('THEN a deployment rolls back on its service\'s latency or error-rate alarm', () => {
    expect(service(http.web).DeploymentConfiguration.Alarms).toEqual({
      AlarmNames: ['blueprint-dev-web-latency-p95', 'blueprint-dev-web-error-rate'],
      Enable: true,
      Rollback: true,
    });
  });
});

describe('an app\'s own settings and secrets', () => {
  // GIVEN a service with plain settings, a secret by name, a JSON field of a secret by ARN and an SSM parameter
  const s = synthesize({
    settings: {
      services: [
        {
          name: 'web',
          command: ['node', 'server.js'],
          environment: { FEATURE_FLAGS: 'checkout-v2' },
          secrets: {
            STRIPE_KEY: { secretsManager: 'shop/stripe' },
            MAIL_PASSWORD: { secretsManager: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:shop/mail-AbCdEf', field: 'password' },
            SIGNING_KEY: { ssmParameter: '/shop/signing-key' },
          },
        },
      ],
    },
  });
  const container = Object.values(s.web.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0];

  test('THEN plain settings are environment variables and the command overrides the image\'s', () => {
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'FEATURE_FLAGS', Value: 'checkout-v2' }]));
    expect(container.Command).toEqual(['node', 'server.js']);
  });

  test('THEN secrets are ECS secrets, a JSON field where one is named', () => {
    const secrets = Object.fromEntries(container.Secrets.map((x: { Name: string; ValueFrom: unknown }) => [x.Name, JSON.stringify(x.ValueFrom)]));
    expect(secrets.STRIPE_KEY).toMatch(/secret:shop\/stripe/);
    expect(secrets.MAIL_PASSWORD).toBe(JSON.stringify('arn:aws:secretsmanager:us-east-1:111111111111:secret:shop/mail-AbCdEf:password::'));
    expect(secrets.SIGNING_KEY).toMatch(/parameter\/shop\/signing-key/);
  });

  test('THEN the execution role may read exactly those secrets and that parameter', () => {
    const policy = Object.entries(s.web.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('WebTaskDefinitionExecutionRole'))![1];
    const statements = policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    const resources = (action: string): string[] =>
      statements.filter((x) => ([] as string[]).concat(x.Action).includes(action)).flatMap((x) => ([] as unknown[]).concat(x.Resource).map((r) => JSON.stringify(r)));
    const secretReads = resources('secretsmanager:GetSecretValue');
    expect(secretReads.some((r) => /secret:shop\/stripe-\?\?\?\?\?\?/.test(r))).toBe(true);
    expect(secretReads).toContain(JSON.stringify('arn:aws:secretsmanager:us-east-1:111111111111:secret:shop/mail-AbCdEf'));
    expect(secretReads.every((r) => !r.includes('"*"') && r !== '"*"')).toBe(true);
    expect(resources('ssm:GetParameters').some((r) => r.includes('parameter/shop/signing-key'))).toBe(true);
  });
});

describe('an image built from a directory', () => {
  // GIVEN the sample app directory as the web service's image
  const built = synthesize({ settings: { services: [{ name: 'web', image: { directory: 'sample-app' }, healthCheckPath: '/healthz' }] } });

  test('THEN synth stages the directory as a container asset (built at deploy time; no Docker at synth)', () => {
    const container = Object.values(built.web.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0];
    expect(JSON.stringify(container.Image)).toMatch(/container-assets/);
    const assembly = built.app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, 'blueprint-dev-service-web.assets.json'), 'utf8'));
    const images = Object.values(manifest.dockerImages) as { source: { directory: string } }[];
    expect(images).toHaveLength(1);
    expect(readdirSync(join(assembly.directory, images[0]!.source.directory)).sort()).toEqual(['Dockerfile', 'index.html', 'nginx.conf']);
  });

  test('GIVEN a directory without a Dockerfile THEN the configuration is rejected', () => {
    expect(() => resolveConfig({ settings: { services: [{ name: 'web', image: { directory: 'docs' } }] } })).toThrow(
      /services\.web\.image: \{"directory":"docs"\} is not allowed; allowed: .*a folder with a Dockerfile/,
    );
  });
});

describe('deployment strategies', () => {
  const service = (t: typeof http.web): Record<string, any> => Object.values(t.findResources('AWS::ECS::Service'))[0]!.Properties;

  test('GIVEN rolling (the default) THEN one target group, the circuit breaker, and alarm rollback', () => {
    expect(service(http.web).DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Alarms: { Enable: true, Rollback: true },
    });
    expect(service(http.web).DeploymentConfiguration.Strategy).toBeUndefined();
    http.web.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
  });

  test.each(['canary', 'linear', 'blue-green'])('GIVEN %s THEN synth refuses it in one line, naming the setting, until the load balancer supports it (ADR 0020)', (strategy) => {
    const attempt = () => resolveConfig({ settings: { services: [{ name: 'web', deployment: { strategy, stepPercent: 10, bakeMinutes: 15 } }] } } as never);
    expect(attempt).toThrow(
      new RegExp(`^  - services\\.web\\.deployment\\.strategy: "${strategy}" is experimental and refused until the load balancer supports ECS native deployments \\(ADR 0020\\); allowed: "rolling"$`, 'm'),
    );
  });

  test('GIVEN an unknown strategy THEN the configuration is rejected, naming the allowed ones', () => {
    expect(() => resolveConfig({ settings: { services: [{ name: 'web', deployment: { strategy: 'big-bang' } }] } } as never)).toThrow(
      /services\.web\.deployment\.strategy: "big-bang" is not allowed; allowed: "rolling", "canary", "linear", "blue-green"/,
    );
  });
});

describe('database migrations', () => {
  // GIVEN a web service with a migration command
  const m = synthesize({ settings: { services: [{ name: 'web', migrationCommand: ['npm', 'run', 'migrate'] }] } });
  const migrate = m.stack('migrate-web');

  test('THEN a migration task with the service\'s image and settings, and the migration command', () => {
    const container = Object.values(migrate.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0];
    expect(container).toMatchObject({ Command: ['npm', 'run', 'migrate'], Image: 'public.ecr.aws/nginx/nginx-unprivileged:stable-alpine', User: '101' });
    expect(container.Secrets.map((s: { Name: string }) => s.Name)).toEqual(expect.arrayContaining(['DB_USERNAME', 'DB_PASSWORD']));
  });

  test('THEN the task runs in the tasks\' group, which may reach PostgreSQL, and its stack deploys before the service\'s', () => {
    m.appStack.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TasksGroup'), 'GroupId'] } });
    expect(JSON.stringify(migrate.toJSON().Outputs.MigrationCommand.Value)).toMatch(/securityGroups=\[[^\]]*TasksGroup/);
    expect(m.blueprint.services.get('web')!.dependencies.map((d) => d.stackName)).toContain('blueprint-dev-migrate-web');
  });

  test('THEN the stack prints the run-task command that runs it, waits, and reports the exit code', () => {
    const output = JSON.stringify(migrate.toJSON().Outputs.MigrationCommand.Value);
    expect(output).toMatch(/aws ecs run-task --cluster /);
    expect(output).toMatch(/--launch-type FARGATE --network-configuration 'awsvpcConfiguration=\{subnets=\[/);
    expect(output).toMatch(/aws ecs wait tasks-stopped/);
    expect(output).toMatch(/exitCode/);
  });

  test('GIVEN no migration command THEN no migration stack', () => {
    expect(http.app.node.tryFindChild('blueprint-dev-migrate-web')).toBeUndefined();
  });
});

describe('health checks from config', () => {
  test('GIVEN health-check settings THEN the target group and the container both follow them', () => {
    const tuned = synthesize({
      settings: { services: [{ name: 'web', healthCheck: { intervalSeconds: 10, timeoutSeconds: 4, healthyThreshold: 3, unhealthyThreshold: 4, gracePeriodSeconds: 90, deregistrationDelaySeconds: 15 } }] },
    });
    tuned.web.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 4,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '15' }]),
    });
    const container = Object.values(tuned.web.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0];
    expect(container.HealthCheck).toMatchObject({ Interval: 10, Timeout: 4, Retries: 4, StartPeriod: 90 });
    expect(Object.values(tuned.web.findResources('AWS::ECS::Service'))[0]!.Properties.HealthCheckGracePeriodSeconds).toBe(90);
  });

  test('GIVEN a timeout not below the interval THEN the configuration is rejected', () => {
    expect(() => resolveConfig({ settings: { services: [{ name: 'web', healthCheck: { intervalSeconds: 5, timeoutSeconds: 5 } }] } })).toThrow(
      /services\.web\.healthCheck\.timeoutSeconds: 5 is not below healthCheck\.intervalSeconds \(5\)/,
    );
  });
});
