import { GateRule, Violation } from '../../rule';
import { asArray, resourcesOf } from '../../template';

/** Fargate waits at most 120 seconds between SIGTERM and SIGKILL. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

/** A Fargate container's stop timeout is at most 120 s; ECS refuses the task definition otherwise. */
export const FargateStopTimeout: GateRule = {
  id: 'FargateStopTimeout',
  summary: `A container of a Fargate task definition stops within ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} seconds of SIGTERM (StopTimeout at most ${FARGATE_MAX_STOP_TIMEOUT_SECONDS}).`,
  documentation: 'Amazon ECS, "Task definition parameters for Amazon ECS: stopTimeout" https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_timeout',
  fix: `set stopTimeoutSeconds to at most ${FARGATE_MAX_STOP_TIMEOUT_SECONDS}, and make the application finish or hand back its work within that time`,
  evaluate(input) {
    const violations: Violation[] = [];
    for (const task of resourcesOf(input.deployment, 'AWS::ECS::TaskDefinition')) {
      if (!asArray(task.resource.Properties?.RequiresCompatibilities).includes('FARGATE')) continue;
      for (const container of asArray(task.resource.Properties?.ContainerDefinitions)) {
        const timeout = container?.StopTimeout;
        if (typeof timeout === 'number' && timeout > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
          violations.push({ stack: task.stack, logicalId: task.logicalId, message: `container ${container.Name} has StopTimeout ${timeout}; Fargate allows at most ${FARGATE_MAX_STOP_TIMEOUT_SECONDS}` });
        }
      }
    }
    return violations;
  },
};
