/**
 * The plugin registry (engine/registry.ts), re-exported for the learning plugins: rules, update
 * transforms and batch policies each keep one.
 */
export { Registry, parsePluginSpec, resolveOptions, suggest, type OptionSchema, type OptionSpec, type OptionValue, type PluginInfo, type RegistryEntry } from '../engine/registry.js';
