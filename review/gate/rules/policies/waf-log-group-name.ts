import { GateRule, Violation } from '../../rule';
import { asArray, flatten, resolveResource, resourcesOf } from '../../template';

/** AWS WAF delivers logs only to a log group whose name starts with `aws-waf-logs-`. */
export const WafLogGroupName: GateRule = {
  id: 'WafLogGroupName',
  summary: "A web ACL's log group is named aws-waf-logs-* and is in the web ACL's region.",
  documentation: 'AWS WAF, "Sending web ACL traffic logs to an Amazon CloudWatch Logs log group" https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html',
  fix: "name the log group aws-waf-logs-<something> and create it in the web ACL's region (us-east-1 for CloudFront)",
  evaluate(input) {
    const violations: Violation[] = [];
    for (const config of resourcesOf(input.deployment, 'AWS::WAFv2::LoggingConfiguration')) {
      for (const destination of asArray(config.resource.Properties?.LogDestinationConfigs)) {
        const group = resolveResource(input.deployment, config.stack, destination);
        if (group?.resource.Type === 'AWS::Logs::LogGroup' && group.resource.Properties?.LogGroupName === undefined) {
          violations.push({ stack: config.stack, logicalId: config.logicalId, message: `logs go to log group ${group.stack} ${group.logicalId}, whose name CloudFormation generates: WAF refuses it, the name must start with aws-waf-logs-` });
          continue;
        }
        const name = group?.resource.Type === 'AWS::Logs::LogGroup' ? flatten(group.resource.Properties?.LogGroupName) : flatten(destination);
        if (name === 'TOKEN' || name.includes(':s3:::') || name.includes(':firehose:')) continue;
        const groupName = name.includes(':log-group:') ? name.split(':log-group:')[1]!.replace(/:\*$/, '') : name;
        if (!groupName.startsWith('aws-waf-logs-') && groupName !== 'TOKEN') {
          violations.push({ stack: config.stack, logicalId: config.logicalId, message: `logs go to log group "${groupName}", which WAF refuses: the name must start with aws-waf-logs-` });
        }
        if (group && group.region !== config.region) {
          violations.push({ stack: config.stack, logicalId: config.logicalId, message: `the log group is in ${group.region}, the web ACL's logging configuration in ${config.region}` });
        }
      }
    }
    return violations;
  },
};
