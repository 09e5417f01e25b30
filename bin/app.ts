#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ConfigError, notes, readSettingsFile, resolveConfig } from '../config';
import { buildBlueprint } from '../lib/blueprint';

const DEFAULT_SETTINGS_FILE = 'blueprint.settings.json';

const app = new App();
try {
  const settingsPath = app.node.tryGetContext('settings') as string | undefined;
  const config = resolveConfig({
    phase: app.node.tryGetContext('phase'),
    stage: app.node.tryGetContext('stage'),
    appName: app.node.tryGetContext('appName'),
    settings: readSettingsFile(settingsPath ?? DEFAULT_SETTINGS_FILE, settingsPath !== undefined),
  });
  for (const note of notes(config)) console.error(`Note: ${note}`);
  buildBlueprint(app, config);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
