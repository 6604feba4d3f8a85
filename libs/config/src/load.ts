// Loads a service's settings from defaults and environment, collecting every mistake before failing.
import { SettingError, type Setting } from './settings.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SettingsSpec = Record<string, Setting<any>>;
export type ConfigOf<S extends SettingsSpec> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Bad configuration: one line per mistake, each naming the variable and what is wrong. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly lines: string[],
  ) {
    super(lines.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Cross-field rule: return a problem line or null. Runs after every setting parsed. */
export type ConfigRule<S extends SettingsSpec> = (cfg: ConfigOf<S>) => string | null;

export interface ConfigSchema<S extends SettingsSpec> {
  readonly service: string;
  readonly settings: S;
  load(env?: Record<string, string | undefined>, overrides?: Partial<ConfigOf<S>>): ConfigOf<S>;
  /** Markdown table rows documenting every setting. */
  describe(): string;
}

export function defineConfig<S extends SettingsSpec>(service: string, settings: S, rules: ConfigRule<S>[] = []): ConfigSchema<S> {
  return {
    service,
    settings,
    load(env = process.env, overrides = {}) {
      const out: Record<string, unknown> = {};
      const lines: string[] = [];
      for (const [key, setting] of Object.entries(settings)) {
        if (key in overrides) {
          out[key] = (overrides as Record<string, unknown>)[key];
          continue;
        }
        const raw = env[setting.env];
        if (raw === undefined || raw === '') {
          if (setting.default === undefined) lines.push(`${service}: ${setting.env} is required (${setting.doc})`);
          else out[key] = setting.default;
          continue;
        }
        try {
          out[key] = setting.parse(raw);
        } catch (err) {
          const why = err instanceof SettingError ? err.message : String(err);
          lines.push(`${service}: ${setting.env}=${JSON.stringify(raw.length > 80 ? raw.slice(0, 80) + '…' : raw)}: ${why}`);
        }
      }
      if (lines.length === 0) {
        for (const rule of rules) {
          const problem = rule(out as ConfigOf<S>);
          if (problem !== null) lines.push(`${service}: ${problem}`);
        }
      }
      if (lines.length > 0) throw new ConfigError(service, lines);
      return out as ConfigOf<S>;
    },
    describe() {
      const rows = Object.values(settings).map((s) => `| \`${s.env}\` | ${s.shownDefault.replace(/\|/g, '\\|')} | ${s.doc} |`);
      return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
    },
  };
}
