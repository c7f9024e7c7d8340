/**
 * Decodes a page body to text the way browsers choose the encoding (WHATWG "encoding sniffing",
 * simplified): byte order mark, then the Content-Type charset, then a <meta charset> or
 * <meta http-equiv="content-type"> (or an XML declaration) in the first bytes, then UTF-8 when the
 * bytes are valid UTF-8, else windows-1252. TextDecoder (full ICU) knows every WHATWG encoding:
 * windows-125x, ISO-8859-x, Shift_JIS, EUC-JP, ISO-2022-JP, GBK, gb18030, Big5, EUC-KR, KOI8…
 */

/** How far into an HTML body a <meta charset> is looked for (the spec says 1024; pages are sloppier). */
const PRESCAN_BYTES = 4096;

export interface DecodedBody {
  text: string;
  /** WHATWG encoding name used (e.g. `utf-8`, `windows-1252`, `shift_jis`). */
  charset: string;
}

/** The WHATWG name of an encoding label, or null when TextDecoder does not know it. */
export function encodingName(label: string | null | undefined): string | null {
  const l = label?.trim().replace(/^["']|["']$/g, '');
  if (!l) return null;
  try {
    const name = new TextDecoder(l).encoding;
    // Per the HTML spec a page cannot declare itself UTF-16 in a header or meta tag it could read.
    return name.startsWith('utf-16') ? 'utf-8' : name;
  } catch {
    return null;
  }
}

/** The charset parameter of a Content-Type header value. */
export function charsetParam(contentType: string | undefined): string | null {
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType ?? '');
  return m ? m[2] : null;
}

function bomEncoding(body: Buffer): { name: string; skip: number } | null {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { name: 'utf-8', skip: 3 };
  if (body[0] === 0xff && body[1] === 0xfe) return { name: 'utf-16le', skip: 2 };
  if (body[0] === 0xfe && body[1] === 0xff) return { name: 'utf-16be', skip: 2 };
  return null;
}

/** The encoding declared inside the first bytes of an HTML/XHTML document. */
export function declaredInMarkup(body: Buffer): string | null {
  // Every encoding a page can declare is ASCII-compatible for the markup: read the bytes as latin1.
  const head = body.subarray(0, PRESCAN_BYTES).toString('latin1');
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) return xml[1];
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([^"'\s/>;]+)/i.exec(tag);
    if (direct && !/\bhttp-equiv\b/i.test(tag)) return direct[1];
    if (/\bhttp-equiv\s*=\s*["']?content-type/i.test(tag)) {
      const content = /\bcontent\s*=\s*(["'])(.*?)\1/i.exec(tag)?.[2] ?? '';
      const cs = /charset\s*=\s*["']?([^"'\s;]+)/i.exec(content);
      if (cs) return cs[1];
    }
  }
  return null;
}

function isValidUtf8(body: Buffer): boolean {
  try {
    // stream: a multi-byte character cut by a truncated body is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(body, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export function decodeBody(
  body: Buffer,
  contentType: string | undefined,
  html: boolean,
): DecodedBody {
  const bom = bomEncoding(body);
  if (bom)
    return { text: new TextDecoder(bom.name).decode(body.subarray(bom.skip)), charset: bom.name };
  const charset =
    encodingName(charsetParam(contentType)) ??
    (html ? encodingName(declaredInMarkup(body)) : null) ??
    (isValidUtf8(body) ? 'utf-8' : 'windows-1252');
  return { text: new TextDecoder(charset).decode(body), charset };
}
