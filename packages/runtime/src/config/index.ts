// Configuration: typed options, loading and validation, generated reference docs.
export {
  CoreOptions,
  TaskManagerOptions,
  NetworkOptions,
  JobManagerOptions,
  RestartStrategyOptions,
  CheckpointingOptions,
  StateOptions,
  S3Options,
  HighAvailabilityOptions,
  ClientOptions,
  ALL_OPTION_GROUPS,
} from './options';
export { RestOptions } from './rest-options';
export { DeploymentOptions } from './deployment-options';
export { OptionRegistry } from './option-registry';
export type { OptionGroup } from './option-registry';
export { loadConfiguration, parseDynamicProperties, CONFIG_DIR_ENV } from './loader';
export type { LoadConfigurationOptions } from './loader';
export { CONFIG_FILE_NAMES, parseConfigYaml } from './yaml-source';
export type { ConfigurationProblem, RawConfigEntry } from './yaml-source';
export { generateConfigurationDocs, formatDefault } from './docs';
export { editDistance, suggestKeys } from './suggest';
