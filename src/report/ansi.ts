const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  underline: [4, 24],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
} as const;

type Style = keyof typeof CODES;
export type Paint = Record<Style, (text: string) => string>;

/** Terminal styles that turn into plain text when colour is off. */
export function paint(enabled: boolean): Paint {
  const styles = {} as Paint;
  for (const [style, [open, close]] of Object.entries(CODES) as [Style, readonly [number, number]][]) {
    styles[style] = enabled ? (text) => (text === '' ? '' : `\u001b[${open}m${text}\u001b[${close}m`) : (text) => text;
  }
  return styles;
}
