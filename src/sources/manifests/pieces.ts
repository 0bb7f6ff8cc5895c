/** A 1-based place in the text being read. */
export interface Position {
  line: number;
  column: number;
}

/**
 * What the JSON and YAML splitters find, before anything is judged: whole
 * documents, the items of a list read one by one, and what could not be parsed.
 * `list` ties the items of one list to its envelope (apiVersion, kind, metadata);
 * a list's start and end are at the start of the document that holds it.
 */
export type Piece =
  | { kind: 'document'; value: unknown; at: Position }
  | { kind: 'list-start'; list: number; envelope: unknown; at: Position }
  | { kind: 'list-item'; list: number; value: unknown; at: Position }
  | { kind: 'list-end'; list: number; envelope: unknown; at: Position }
  | { kind: 'problem'; message: string; at: Position };

/** Splits text that arrives in chunks into pieces; `take` hands over what is complete so far. */
export interface Splitter {
  push(text: string): void;
  end(): void;
  take(): Piece[];
}
