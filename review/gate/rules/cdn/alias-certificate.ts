import { GateRule, Violation } from '../../rule';
import { asArray, parseArn, resourcesOf } from '../../template';

/**
 * A distribution with alternate domain names needs a certificate of its own
 * for them: CloudFront refuses the distribution when its viewer certificate
 * is the default *.cloudfront.net one, is not an ACM certificate of
 * us-east-1, or does not cover every alternate domain name (the last the
 * gate cannot see: the certificate's names live in ACM). Dedicated-IP
 * (`vip`) certificates cost $600 a month; SNI is what every kit distribution uses.
 */
export const CdnAliasCertificate: GateRule = {
  id: 'CdnAliasCertificate',
  summary:
    'A CloudFront distribution with alternate domain names presents an ACM certificate of us-east-1 (not the default certificate) by SNI, which must cover every one of them.',
  documentation:
    'Amazon CloudFront, "Requirements for using alternate domain names" https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html#alternate-domain-names-requirements; "Requirements for using SSL/TLS certificates with CloudFront" (certificates in us-east-1) https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html',
  fix: 'give the distribution ViewerCertificate.AcmCertificateArn, an ACM certificate in us-east-1 whose names or wildcard cover every alias, with SslSupportMethod sni-only',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const d of resourcesOf(input.deployment, 'AWS::CloudFront::Distribution')) {
      const config = d.resource.Properties?.DistributionConfig ?? {};
      const aliases = asArray<unknown>(config.Aliases);
      if (aliases.length === 0) continue;
      const certificate = config.ViewerCertificate ?? {};
      const named = `alternate domain names ${aliases.map((a) => (typeof a === 'string' ? a : '(token)')).join(', ')}`;
      const add = (problem: string): void => {
        violations.push({ stack: d.stack, logicalId: d.logicalId, message: `the distribution has ${named} but ${problem}` });
      };
      if (certificate.AcmCertificateArn === undefined) {
        add(certificate.IamCertificateId === undefined ? 'no certificate of its own (the default *.cloudfront.net certificate covers none)' : 'an IAM server certificate, which the kit never manages');
        continue;
      }
      const arn = parseArn(certificate.AcmCertificateArn);
      if (arn !== undefined && arn.region !== 'us-east-1') add(`its certificate ${certificate.AcmCertificateArn} is in ${arn.region}; CloudFront reads ACM certificates of us-east-1 only`);
      if (certificate.SslSupportMethod !== 'sni-only') add(`SslSupportMethod is ${JSON.stringify(certificate.SslSupportMethod)}, not sni-only (dedicated IP addresses cost $600 a month)`);
    }
    return violations;
  },
};
