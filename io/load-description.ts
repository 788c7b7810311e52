/**
 * Reads a network description from a JSON or YAML file (or a Brian2 reference case, detected by its
 * fields) and validates it. Parse errors name the file, line and column.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { SnnError } from '../engine/errors.js';
import { parseDescription, type NetworkDescription } from '../models/description.js';
import { isReferenceCase, referenceCaseToDescription } from '../models/reference-case.js';
import { fsError } from './atomic.js';

export interface LoadedDescription {
  description: NetworkDescription;
  /** sha256 of the file's bytes: identifies the input in traces and manifests. */
  hash: string;
  isReferenceCase: boolean;
}

export function loadDescription(path: string): LoadedDescription {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fsError(err, path, 'read');
  }
  const hash = createHash('sha256').update(text).digest('hex');
  const ext = extname(path).toLowerCase();
  const value = ext === '.yaml' || ext === '.yml' ? parseYaml(text, path) : parseJson(text, path);
  if (isReferenceCase(value)) {
    return { description: parseDescription(referenceCaseToDescription(value), path), hash, isReferenceCase: true };
  }
  return { description: parseDescription(value, path), hash, isReferenceCase: false };
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message.replace(/ in JSON at position \d+.*$/, '');
    throw new SnnError('config.parse', `${path} is not valid JSON${jsonErrorPosition(text, err as Error)}: ${msg}`, 'fix the syntax (a YAML file needs the .yaml extension)');
  }
}

/** " at line L, column C" of a JSON syntax error: from V8's message, else from the YAML parser (a JSON superset). */
function jsonErrorPosition(text: string, err: Error): string {
  const pos = /position (\d+)/.exec(err.message);
  if (pos) {
    const upto = text.slice(0, Number(pos[1]));
    return ` at line ${upto.split('\n').length}, column ${upto.length - upto.lastIndexOf('\n')}`;
  }
  const lp = YAML.parseDocument(text).errors[0]?.linePos?.[0];
  return lp ? ` at line ${lp.line}, column ${lp.col}` : '';
}

function parseYaml(text: string, path: string): unknown {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    // linePos is filled only with prettyErrors; the line counter gives it for every error.
    const lp = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    const where = lp ? ` at line ${lp.line}, column ${lp.col}` : '';
    throw new SnnError('config.parse', `${path} is not valid YAML${where}: ${e.message.split('\n')[0]}`, 'fix the syntax');
  }
  return doc.toJS();
}
