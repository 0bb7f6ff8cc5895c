import type { RawObject } from '../sources/types.js';
import type { ObjectRecord } from './types.js';
import { subjectOf } from './subject.js';
import { eachObject, type Rejections } from './admit.js';
import { readLastApplied } from './last-applied.js';

function readObject(raw: RawObject): ObjectRecord {
  const subject = subjectOf(raw);
  const apiVersion = raw.object.apiVersion ?? '';
  const applied = readLastApplied(subject.annotations);
  return {
    apiVersion,
    kind: raw.object.kind ?? '',
    subject,
    ...(applied && applied.apiVersion !== apiVersion ? { lastApplied: applied } : {}),
  };
}

export function readObjects(raws: RawObject[], rejections?: Rejections): ObjectRecord[] {
  return eachObject(raws, (raw) => [readObject(raw)], rejections);
}

