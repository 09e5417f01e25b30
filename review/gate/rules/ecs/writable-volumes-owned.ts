import { GateRule, Violation } from '../../rule';
import { asArray, resourcesOf } from '../../template';

const isRoot = (user: unknown): boolean => typeof user === 'string' && /^(0|root)(:|$)/.test(user);

/**
 * A non-root container can write a Fargate bind-mount volume only once a
 * root container it waits for has given the volume to it: Fargate creates
 * the volume owned by root with mode 0755 unless the image declares it a
 * VOLUME, which a template cannot tell.
 */
export const WritableVolumesOwned: GateRule = {
  id: 'WritableVolumesOwned',
  summary:
    'A non-root container of a Fargate task that writes a bind-mount volume depends (SUCCESS) on a root container that mounts the same volume read-write and hands it over (Fargate creates it owned by root, mode 0755).',
  documentation: 'Amazon ECS, "Use bind mounts with Amazon ECS" https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html',
  fix: 'let a short-lived root container chown the volume to the app\'s user, and make the app depend on its SUCCESS (AppTask does both)',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const task of resourcesOf(input.deployment, 'AWS::ECS::TaskDefinition')) {
      const props = task.resource.Properties ?? {};
      if (!asArray(props.RequiresCompatibilities).includes('FARGATE')) continue;
      // Bind mounts: volumes with no EFS, FSx or Docker volume configuration.
      const bindMounts = new Set(
        asArray(props.Volumes)
          .filter((v: any) => !v?.EFSVolumeConfiguration && !v?.FSxWindowsFileServerVolumeConfiguration && !v?.DockerVolumeConfiguration)
          .map((v: any) => v?.Name),
      );
      const containers = asArray(props.ContainerDefinitions);
      for (const container of containers) {
        if (container?.User === undefined || isRoot(container.User)) continue;
        const waitsFor = new Set(asArray(container.DependsOn).filter((d: any) => d?.Condition === 'SUCCESS').map((d: any) => d?.ContainerName));
        for (const mount of asArray(container.MountPoints)) {
          if (mount?.ReadOnly === true || !bindMounts.has(mount?.SourceVolume)) continue;
          const prepared = containers.some(
            (other: any) =>
              waitsFor.has(other?.Name) &&
              isRoot(other?.User) &&
              asArray(other?.MountPoints).some((m: any) => m?.SourceVolume === mount.SourceVolume && m?.ReadOnly !== true),
          );
          if (!prepared) {
            violations.push({
              stack: task.stack,
              logicalId: task.logicalId,
              message: `container ${container.Name} (user ${container.User}) writes volume ${mount.SourceVolume} at ${mount.ContainerPath}, which Fargate creates owned by root with mode 0755, and no root container it waits for hands it over`,
            });
          }
        }
      }
    }
    return violations;
  },
};
