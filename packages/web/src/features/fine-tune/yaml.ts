/**
 * A tiny YAML emitter and reader for the training config: mappings (nested by two spaces),
 * strings, numbers, booleans, null and lists of scalars. Enough for a config file a person
 * can read and edit; not a general YAML parser. JSON is accepted on import too.
 */

type Scalar = string | number | boolean | null;
export type YamlValue = Scalar | YamlValue[] | { [key: string]: YamlValue };

const plainSafe = /^[A-Za-z_./][\w./-]*$/;
const reserved = /^(true|false|null|yes|no|on|off|~)$/i;

function scalar(value: Scalar): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '.nan';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (plainSafe.test(value) && !reserved.test(value)) return value;
  return JSON.stringify(value);
}

/** YAML text for a mapping; undefined values are left out. */
export function toYaml(value: Record<string, unknown>, indent = 0): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (!v.length) lines.push(`${pad}${key}: []`);
      else lines.push(`${pad}${key}:`, ...v.map((item) => `${pad}  - ${scalar(item as Scalar)}`));
    } else if (v !== null && typeof v === 'object') {
      lines.push(`${pad}${key}:`, toYaml(v as Record<string, unknown>, indent + 2).replace(/\n$/, ''));
    } else {
      lines.push(`${pad}${key}: ${scalar(v as Scalar)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function parseScalar(text: string): Scalar | [] {
  const t = text.trim();
  if (t === '' || t === '~' || t === 'null') return null;
  if (t === '[]') return [];
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t.startsWith('"')) return JSON.parse(t) as string;
  if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Strips a trailing `# comment` outside quotes. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i);
  }
  return line;
}

/** Reads what toYaml writes (and JSON). Throws an Error naming the line on anything else. */
export function parseYaml(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const value: unknown = JSON.parse(trimmed);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('The file must hold a mapping of settings.');
    return value as Record<string, unknown>;
  }
  const root: Record<string, unknown> = {};
  const stack: { indent: number; target: Record<string, unknown> | unknown[] }[] = [{ indent: -1, target: root }];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = stripComment(raw).replace(/\s+$/, '');
    if (!line.trim() || line.trim() === '---') return;
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    while (stack.length > 1 && indent <= stack[stack.length - 1]!.indent) stack.pop();
    const top = stack[stack.length - 1]!;
    if (body.startsWith('- ') || body === '-') {
      if (!Array.isArray(top.target)) throw new Error(`Line ${index + 1}: a list item where a setting was expected.`);
      top.target.push(parseScalar(body.slice(1)));
      return;
    }
    const m = /^("[^"]*"|[^:]+):(\s+(.*))?$/.exec(body);
    if (!m || Array.isArray(top.target)) throw new Error(`Line ${index + 1}: expected “name: value”.`);
    const key = m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!.trim();
    const rest = m[3];
    if (rest === undefined || rest === '') {
      // A nested mapping or a list follows: decide by the next meaningful line.
      const next = lines.slice(index + 1).find((l) => stripComment(l).trim() !== '');
      const child: Record<string, unknown> | unknown[] = next?.trim().startsWith('-') ? [] : {};
      top.target[key] = child;
      stack.push({ indent, target: child });
    } else {
      top.target[key] = parseScalar(rest);
    }
  });
  return root;
}
