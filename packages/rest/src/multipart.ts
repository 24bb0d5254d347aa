import { RestHandlerError } from './rest-errors';

export interface MultipartPart {
  /** The form field's name. */
  readonly name: string;
  readonly filename?: string;
  readonly data: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

function bad(message: string): never {
  throw new RestHandlerError(400, `Malformed multipart/form-data request: ${message}`);
}

/**
 * Splits a multipart/form-data body (RFC 7578) that is already in memory, bounded by
 * rest.server.max-content-length, into its parts; at most `maxParts` of them. Anything malformed is
 * a 400 naming what is wrong.
 */
export function parseMultipart(body: Buffer, contentType: string, maxParts: number): MultipartPart[] {
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  if (!m) bad('the content type has no boundary');
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const next = Buffer.concat([CRLF, delimiter]);
  let pos = body.indexOf(delimiter);
  if (pos < 0) bad('the body does not contain the boundary');
  const parts: MultipartPart[] = [];
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // "--": the closing delimiter
    if (!body.subarray(pos, pos + 2).equals(CRLF)) bad('a boundary is not followed by a line break');
    const start = pos + 2;
    const end = body.indexOf(next, start);
    if (end < 0) bad('the body ends without a closing boundary');
    if (parts.length >= maxParts) bad(`more than ${maxParts} parts`);
    parts.push(parsePart(body.subarray(start, end)));
    pos = end + 2;
  }
}

function parsePart(part: Buffer): MultipartPart {
  const headerEnd = part.indexOf(HEADER_END);
  if (headerEnd < 0) bad('a part has no header block');
  const headers = part.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const disposition = headers.find((h) => /^content-disposition:/i.test(h));
  if (!disposition || !/^content-disposition:\s*form-data/i.test(disposition)) bad('a part is not form-data');
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined || name === '') bad('a part has no name');
  const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
  return { name, ...(filename !== undefined ? { filename } : {}), data: part.subarray(headerEnd + HEADER_END.length) };
}

/** Builds a multipart/form-data body (what the REST client sends); the boundary must not occur in the data. */
export function buildMultipart(parts: readonly MultipartPart[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const filename = p.filename !== undefined ? `; filename="${p.filename}"` : '';
    const type = p.filename !== undefined ? 'application/octet-stream' : 'application/json';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${filename}\r\nContent-Type: ${type}\r\n\r\n`), p.data, CRLF);
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
