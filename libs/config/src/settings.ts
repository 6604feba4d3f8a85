// Typed setting constructors: each parses one environment string and explains a bad value in one phrase.

/** One configurable value: where it comes from, how it parses, its default and its documentation. */
export interface Setting<T> {
  /** Environment variable that overrides the default. */
  readonly env: string;
  /** Documentation shown by `--help-config` and the README. */
  readonly doc: string;
  /** Default when the variable is unset; `undefined` means required. */
  readonly default: T | undefined;
  /** Parse the raw string; throw SettingError with a phrase such as "expected an integer". */
  parse(raw: string): T;
  /** How the default is shown in docs. */
  readonly shownDefault: string;
}

export class SettingError extends Error {}

type Opts<T> = { env: string; doc: string; default?: T };

function make<T>(o: Opts<T>, parse: (raw: string) => T, show: (v: T) => string): Setting<T> {
  return {
    env: o.env,
    doc: o.doc,
    default: o.default,
    parse,
    shownDefault: o.default === undefined ? '(required)' : show(o.default),
  };
}

export function str(o: Opts<string> & { pattern?: RegExp; patternDoc?: string }): Setting<string> {
  return make(
    o,
    (raw) => {
      if (o.pattern && !o.pattern.test(raw)) throw new SettingError(`expected ${o.patternDoc ?? `a value matching ${String(o.pattern)}`}`);
      return raw;
    },
    (v) => (v === '' ? '""' : v),
  );
}

export function int(o: Opts<number> & { min?: number; max?: number }): Setting<number> {
  const min = o.min ?? Number.MIN_SAFE_INTEGER;
  const max = o.max ?? Number.MAX_SAFE_INTEGER;
  return make(
    o,
    (raw) => {
      const t = raw.trim().replace(/_/g, '');
      if (!/^-?\d+$/.test(t)) throw new SettingError(`expected an integer between ${min} and ${max}`);
      const n = Number(t);
      if (!Number.isSafeInteger(n) || n < min || n > max) throw new SettingError(`expected an integer between ${min} and ${max}`);
      return n;
    },
    String,
  );
}

export function bool(o: Opts<boolean>): Setting<boolean> {
  return make(
    o,
    (raw) => {
      const t = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off'].includes(t)) return false;
      throw new SettingError('expected true or false');
    },
    String,
  );
}

/** Comma- or whitespace-separated list; each item checked by `item` when given. */
export function list(o: Opts<string[]> & { item?: (s: string) => string | null }): Setting<string[]> {
  return make(
    o,
    (raw) => {
      const items = raw.split(/[,\s]+/).filter((s) => s !== '');
      for (const it of items) {
        const problem = o.item?.(it) ?? null;
        if (problem !== null) throw new SettingError(`item "${it}": ${problem}`);
      }
      return items;
    },
    (v) => (v.length === 0 ? '(empty)' : v.join(',')),
  );
}

export function oneOf<const T extends string>(o: Opts<T> & { values: readonly T[] }): Setting<T> {
  return make(
    o,
    (raw) => {
      const t = raw.trim() as T;
      if (!o.values.includes(t)) throw new SettingError(`expected one of ${o.values.join(', ')}`);
      return t;
    },
    String,
  );
}

/** `host:port` pairs, comma-separated (Kafka brokers). */
export function hostPorts(o: Opts<string[]>): Setting<string[]> {
  return list({
    ...o,
    item: (s) => (/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(s) ? null : 'expected host:port'),
  });
}

/** An http(s) or redis URL. */
export function url(o: Opts<string> & { protocols: string[] }): Setting<string> {
  return make(
    o,
    (raw) => {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new SettingError(`expected a URL (${o.protocols.join(' or ')})`);
      }
      if (!o.protocols.includes(u.protocol.replace(/:$/, ''))) throw new SettingError(`expected a ${o.protocols.join(' or ')} URL`);
      return raw;
    },
    String,
  );
}
