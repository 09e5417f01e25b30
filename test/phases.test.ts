import { Match } from 'aws-cdk-lib/assertions';
import { PHASE_PRESETS } from '../config';
import { synthesize } from './support/blueprint';

// GIVEN phases 2 and 3 in prod, each synthesized once
const p2 = synthesize({ phase: 'phase2', stage: 'prod' });
const p3 = synthesize({ phase: 'phase3', stage: 'prod' });

describe('phase 2', () => {
  test('THEN one NAT gateway per zone', () => {
    p2.data.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('THEN two read replicas of the primary, on the same class, spread over zones', () => {
    const replicas = Object.values(p2.data.findResources('AWS::RDS::DBInstance', { Properties: { SourceDBInstanceIdentifier: Match.anyValue() } }));
    expect(replicas).toHaveLength(PHASE_PRESETS.phase2.database.readReplicas);
    expect(replicas.map((r) => r.Properties.AvailabilityZone)).toEqual(['us-east-1a', 'us-east-1b']);
    for (const r of replicas) {
      expect(r.Properties.DBInstanceClass).toBe('db.r7g.large');
      expect(r.Properties.StorageType).toBe('gp3');
      expect(JSON.stringify(r.Properties.SourceDBInstanceIdentifier)).toMatch(/:db:.*"Ref":"DatabaseInstance/);
      expect(r.Properties.StorageEncrypted).toBeUndefined();
    }
    p2.data.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { max_connections: '1622' } });
  });

  test('THEN the cache has three shards of primary + replica on r7g nodes', () => {
    p2.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumNodeGroups: 3, ReplicasPerNodeGroup: 1, CacheNodeType: 'cache.r7g.large' });
  });

  test('THEN the web service runs 3-10 tasks of 4 vCPU', () => {
    p2.web.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 10, ScalableDimension: 'ecs:service:DesiredCount' });
    p2.web.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '4096', Memory: '8192' });
  });

  test('THEN the worker queue is KMS-encrypted, TLS-only, retained, and redrives to a dead-letter queue after 5 receives', () => {
    const queues = p2.data.findResources('AWS::SQS::Queue');
    const dlqId = Object.keys(queues).find((id) => id.startsWith('QueueworkerDeadLetters'))!;
    p2.data.hasResource('AWS::SQS::Queue', {
      Properties: {
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
        VisibilityTimeout: 300,
        MessageRetentionPeriod: 14 * 24 * 3600,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
      },
      DeletionPolicy: 'Retain',
    });
    for (const q of Object.values(queues)) expect(q.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
    p2.data.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('THEN the worker scales 3-20 tasks by target tracking on backlog per task', () => {
    p2.stack('worker-worker').hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 20 });
    const policy = Object.values(p2.stack('worker-worker').findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).find((p) =>
      JSON.stringify(p).includes('backlog'),
    )!;
    const spec = policy.Properties.TargetTrackingScalingPolicyConfiguration;
    const scaling = PHASE_PRESETS.phase2.workers[0]!.scaling;
    if (scaling.signal !== 'backlog') throw new Error('phase 2\'s worker scales on backlog');
    expect(spec.TargetValue).toBe(scaling.backlogPerTask);
    expect(spec.ScaleOutCooldown).toBe(scaling.scaleOutCooldownSeconds);
    expect(spec.ScaleInCooldown).toBe(scaling.scaleInCooldownSeconds);
    expect(spec.CustomizedMetricSpecification.MetricName).toBeUndefined();
    const metrics = spec.CustomizedMetricSpecification.Metrics;
    expect(metrics.map((m: { Id: string }) => m.Id)).toEqual(['visible', 'tasks', 'backlog']);
    expect(metrics[0].MetricStat.Metric.MetricName).toBe('ApproximateNumberOfMessagesVisible');
    expect(metrics[1].MetricStat.Metric.MetricName).toBe('RunningTaskCount');
    expect(metrics[2]).toMatchObject({ Expression: 'visible / IF(tasks > 0, tasks, 1)', ReturnData: true });
  });

  test('THEN the worker may consume only its queue, and the web service may only send to it', () => {
    const taskRolePolicy = (t: typeof p2.web, prefix: string) =>
      Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith(prefix))![1];
    const worker = taskRolePolicy(p2.stack('worker-worker'), 'WorkerTaskDefinitionTaskRole');
    const web = taskRolePolicy(p2.web, 'WebTaskDefinitionTaskRole');
    const actions = (p: typeof worker): string[] => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action);
    expect(actions(worker)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'kms:Decrypt']));
    expect(actions(web)).toEqual(expect.arrayContaining(['sqs:SendMessage', 'kms:GenerateDataKey']));
    expect(actions(web)).not.toContain('sqs:ReceiveMessage');
    for (const a of [...actions(worker), ...actions(web)]) expect(a).not.toMatch(/\*/);
  });

  test('THEN the worker container gets its queue URL, the web container every queue URL and the replica endpoints', () => {
    const env = (t: typeof p2.web): string[] =>
      Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0].Environment.map((e: { Name: string }) => e.Name);
    expect(env(p2.stack('worker-worker'))).toEqual(expect.arrayContaining(['QUEUE_URL', 'QUEUE_URL_WORKER', 'DB_HOST', 'DB_READ_HOSTS']));
    expect(env(p2.web)).toEqual(expect.arrayContaining(['QUEUE_URL_WORKER', 'DB_READ_HOSTS']));
  });
});

describe('phase 3', () => {
  test('THEN five read replicas, r7g.2xlarge, and max_connections at the formula\'s cap', () => {
    const replicas = Object.values(p3.data.findResources('AWS::RDS::DBInstance', { Properties: { SourceDBInstanceIdentifier: Match.anyValue() } }));
    expect(replicas).toHaveLength(5);
    expect(replicas.map((r) => r.Properties.AvailabilityZone)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1a', 'us-east-1b']);
    p3.data.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { max_connections: '5000' } });
  });

  test('THEN an on-demand Kinesis stream encrypted with the data key, retained, kept 7 days', () => {
    p3.data.hasResource('AWS::Kinesis::Stream', {
      Properties: {
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } },
        RetentionPeriodHours: 168,
      },
      DeletionPolicy: 'Retain',
    });
    p2.data.resourceCountIs('AWS::Kinesis::Stream', 0);
  });

  test('THEN services may write to the stream and know its name', () => {
    p3.web.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'] })]) },
    });
    p3.web.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'kms:ViaService': ['sqs.us-east-1.amazonaws.com', 'kinesis.us-east-1.amazonaws.com'] } },
          }),
        ]),
      },
    });
    for (const task of [p3.web, p3.stack('worker-worker')].flatMap((t) => Object.values(t.findResources('AWS::ECS::TaskDefinition')))) {
      const names = task.Properties.ContainerDefinitions[0].Environment.map((e: { Name: string }) => e.Name);
      expect(names).toContain('EVENT_STREAM_NAME');
    }
  });

  test('THEN web 6-40 and workers 6-60 tasks, six cache shards', () => {
    p3.web.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 6, MaxCapacity: 40 });
    p3.stack('worker-worker').hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 6, MaxCapacity: 60 });
    p3.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumNodeGroups: 6, ReplicasPerNodeGroup: 1 });
  });
});

describe('several services', () => {
  // GIVEN a second web service routed by host and path, and a second worker
  const s = synthesize({
    phase: 'phase2',
    settings: {
      services: [{ name: 'web' }, { name: 'api', pathPatterns: ['/v1/*'], hostHeaders: ['api.example.com'], priority: 10 }],
      workers: [{ name: 'worker' }, { name: 'mailer', scaling: { minTasks: 1, maxTasks: 4 } }],
    },
  });

  test('THEN each service gets its own stack with its task, target group, rule and alarms', () => {
    s.web.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    s.stack('service-api').resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    s.stack('service-api').hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 10,
      Conditions: Match.arrayWith([
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/v1/*'] } },
        { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } },
      ]),
    });
    s.stack('service-api').hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'blueprint-dev-api-latency-p95' });
    s.stack('worker-mailer').hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
  });

  test('THEN each worker may receive from its own queue only, and every task may send to every work queue', () => {
    const statements = (role: string) =>
      Object.entries(s.stack(role).findResources('AWS::IAM::Policy'))
        .filter(([id]) => id.includes('TaskRole'))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const resourcesOf = (role: string, action: string): string[] =>
      statements(role)
        .filter((st) => ([] as string[]).concat(st.Action).includes(action))
        .flatMap((st) => ([] as unknown[]).concat(st.Resource).map((r) => JSON.stringify(r)));
    const receive = resourcesOf('worker-mailer', 'sqs:ReceiveMessage');
    expect(receive).toHaveLength(1);
    expect(receive[0]).toMatch(/QueuemailerQueue/);
    expect(resourcesOf('worker-worker', 'sqs:ReceiveMessage')).toEqual([expect.stringMatching(/QueueworkerQueue/)]);
    const send = resourcesOf('service-web', 'sqs:SendMessage');
    expect(send).toHaveLength(2);
    expect(send.join()).toMatch(/QueueworkerQueue.*QueuemailerQueue|QueuemailerQueue.*QueueworkerQueue/);
    expect(send.join()).not.toMatch(/DeadLetters/);
  });

  test('THEN each worker gets its own queue pair, and adding one renames nothing', () => {
    expect(Object.keys(s.data.findResources('AWS::SQS::Queue')).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^QueueworkerQueue/), expect.stringMatching(/^QueuemailerQueue/)]),
    );
    s.data.resourceCountIs('AWS::SQS::Queue', 4);
    const single = Object.keys(synthesize({ phase: 'phase2' }).data.findResources('AWS::SQS::Queue'));
    for (const id of single) expect(Object.keys(s.data.findResources('AWS::SQS::Queue'))).toContain(id);
  });
});
