/**
 * `%` specifiers in unit settings (systemd.unit(5), "Specifiers":
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.unit.html#Specifiers;
 * src/core/unit-printf.c). Only what a node's files can tell is resolved:
 * the unit's own names, the fixed system paths of the system manager, and
 * the host name from /etc/hostname. Anything else is unknown: systemd would
 * know it on the running node, kcheck says it cannot.
 */

export interface SpecifierContext {
  /** `etcd.service`, `etcd@a.service`. */
  unit: string;
  /** From /etc/hostname under the root; null when it is not there. */
  hostname: string | null;
  /** The node path of the unit's fragment (`%y`). */
  fragment: string;
}

/** The system manager's fixed directories (systemd.unit(5): %t, %S, %C, %L, %E, %T, %V). */
const SYSTEM_PATHS: Record<string, string> = { t: '/run', S: '/var/lib', C: '/var/cache', L: '/var/log', E: '/etc', T: '/tmp', V: '/var/tmp' };

/** systemd-escape's reverse for `%P`/`%I`: `-` is `/`, `\xNN` a byte (unit-name.c unit_name_unescape). */
function unescapeName(text: string): string {
  return text.replace(/-/g, '/').replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function parts(unit: string): { prefix: string; instance: string; full: string } {
  const dot = unit.lastIndexOf('.');
  const name = dot > 0 ? unit.slice(0, dot) : unit;
  const at = name.indexOf('@');
  return at >= 0 ? { prefix: name.slice(0, at), instance: name.slice(at + 1), full: name } : { prefix: name, instance: '', full: name };
}

/** The setting with its specifiers resolved, or which specifier kcheck cannot know (systemd refuses an unknown one). */
export function expandSpecifiers(text: string, ctx: SpecifierContext): { value: string } | { unknown: string; why: string } {
  const { prefix, instance, full } = parts(ctx.unit);
  let unknown: { unknown: string; why: string } | null = null;
  const value = text.replace(/%(.?)/gs, (m, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'n':
        return ctx.unit;
      case 'N':
        return full;
      case 'p':
        return prefix;
      case 'P':
        return unescapeName(prefix);
      case 'i':
        return instance;
      case 'I':
        return unescapeName(instance);
      case 'j':
        return prefix.split('-').pop() ?? prefix;
      case 'J':
        return unescapeName(prefix.split('-').pop() ?? prefix);
      case 'f':
        return `/${unescapeName(instance || prefix)}`.replace(/^\/+/, '/');
      case 'y':
        return ctx.fragment;
      case 'Y':
        return ctx.fragment.slice(0, ctx.fragment.lastIndexOf('/')) || '/';
      case 'H':
      case 'l':
        if (ctx.hostname !== null) return c === 'l' ? ctx.hostname.split('.')[0]! : ctx.hostname;
        unknown ??= { unknown: m, why: 'the host name (no /etc/hostname under the root)' };
        return m;
      default:
        if (c in SYSTEM_PATHS) return SYSTEM_PATHS[c]!;
        unknown ??= { unknown: m, why: c === '' ? 'a lone % at the end' : 'a value only the running node knows (user, machine or boot id, kernel)' };
        return m;
    }
  });
  return unknown ?? { value };
}
