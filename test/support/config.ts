import { ConfigError, ConfigInput, resolveConfig } from '../../config';

/** The problems a configuration is rejected with; fails the test when it is accepted. */
export function problemsOf(input: ConfigInput = {}): readonly string[] {
  try {
    resolveConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected the configuration to be rejected');
}
