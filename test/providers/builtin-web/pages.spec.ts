import { toWebPage } from '../../../src/providers/builtin-web/builtin-web.mapper';
import { makeReader, startSite, TestSite } from './web-test-servers';

/**
 * What a user gets from a page: text in the right characters whatever the page's encoding, a
 * title, a language, readable text and Markdown without scripts, navigation or cookie banners,
 * absolute links, and fingerprint headers without cookie values.
 */

/** Bytes as Python's codecs encode them (an encoder independent of the decoder under test). */
const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
/** 'Müller & Söhne – “Qualität” €' in windows-1252. */
const CP1252 = hex(
  '4d fc 6c 6c 65 72 20 26 20 53 f6 68 6e 65 20 96 20 93 51 75 61 6c 69 74 e4 74 94 20 80',
);
/** '株式会社テスト' in Shift_JIS. */
const SJIS = hex('8a 94 8e ae 89 ef 8e d0 83 65 83 58 83 67');

const page = (head: string, body: Buffer | string) =>
  Buffer.concat([
    Buffer.from(`<!doctype html><html><head>${head}<title>`, 'latin1'),
    Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'),
    Buffer.from('</title></head><body><p>', 'latin1'),
    Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'),
    Buffer.from('</p></body></html>', 'latin1'),
  ]);

describe('non-UTF-8 pages, read through a local server', () => {
  let site: TestSite;
  let response: { type: string; body: Buffer } = { type: 'text/html', body: Buffer.alloc(0) };
  const reader = makeReader({ WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1' });

  beforeAll(async () => {
    site = await startSite(['127.0.0.1'], (_req, res) =>
      res.writeHead(200, { 'content-type': response.type }).end(response.body),
    );
  });
  afterAll(() => site.close());

  it.each<[string, string, Buffer, string, string]>([
    [
      'windows-1252 from the Content-Type charset',
      'text/html; charset=windows-1252',
      page('', CP1252),
      'Müller & Söhne – “Qualität” €',
      'windows-1252',
    ],
    [
      'windows-1252 from <meta charset>',
      'text/html',
      page('<meta charset="windows-1252">', CP1252),
      'Müller & Söhne – “Qualität” €',
      'windows-1252',
    ],
    [
      'ISO-8859-1 from <meta http-equiv> (decoded as its WHATWG superset)',
      'text/html',
      page(
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
        Buffer.from('Ça coûte 10 £', 'latin1'),
      ),
      'Ça coûte 10 £',
      'windows-1252',
    ],
    [
      'Shift_JIS from the Content-Type charset',
      'text/html; charset="Shift_JIS"',
      page('', SJIS),
      '株式会社テスト',
      'shift_jis',
    ],
    [
      'Shift_JIS from <meta http-equiv>',
      'text/html',
      page('<meta http-equiv="content-type" content="text/html;charset=shift_jis">', SJIS),
      '株式会社テスト',
      'shift_jis',
    ],
    [
      'undeclared UTF-8',
      'text/html',
      page('', Buffer.from('Zürich – 東京')),
      'Zürich – 東京',
      'utf-8',
    ],
    [
      'undeclared bytes that are not UTF-8 (windows-1252 fallback)',
      'text/html',
      page('', CP1252),
      'Müller & Söhne – “Qualität” €',
      'windows-1252',
    ],
    [
      'a UTF-8 BOM over a wrong header',
      'text/html; charset=iso-8859-1',
      Buffer.concat([hex('efbbbf'), page('', Buffer.from('Zürich'))]),
      'Zürich',
      'utf-8',
    ],
  ])('%s', async (_what, type, body, expected, charset) => {
    response = { type, body };
    const r = await reader.read(`${site.origin}/`);
    expect(r.data).toMatchObject({ title: expected, text: expected, charset });
  });

  it('the header charset wins over a contradicting <meta charset>', async () => {
    response = { type: 'text/html; charset=shift_jis', body: page('<meta charset="utf-8">', SJIS) };
    expect((await reader.read(`${site.origin}/`)).data!.title).toBe('株式会社テスト');
  });

  it('decodes text/plain in its declared charset', async () => {
    response = { type: 'text/plain; charset=windows-1252', body: CP1252 };
    expect((await reader.read(`${site.origin}/`)).data!.text).toBe('Müller & Söhne – “Qualität” €');
  });
});

describe('page parsing (the pure mapper)', () => {
  const HTML = `<!DOCTYPE html>
<html lang="en_GB">
<head>
  <meta charset="utf-8">
  <title>  Acme Robotics — Industrial robots  </title>
  <base href="https://www.acme.example/en/">
  <style>body { color: red }</style>
  <script>window.secret = "tracking";</script>
</head>
<body>
  <div id="onetrust-consent-sdk"><p>We use cookies to improve your experience. Accept all?</p></div>
  <header><nav><a href="/">Home</a> <a href="about-us">About us</a> <a href="/contact#form">Contact</a></nav></header>
  <main>
    <h1>We build robots</h1>
    <p>Acme Robotics builds <strong>industrial robots</strong> for factories in 30 countries since 1999.
       Read our <a href="/customers">customer stories</a>.</p>
    <ul><li>Welding</li><li>Packaging</li></ul>
    <img src="/logos/bigco.png" alt="BigCo">
    <img src="data:image/png;base64,AAAA" alt="Inline logo">
    <noscript>Please enable JavaScript</noscript>
  </main>
  <footer>
    <a href="https://www.linkedin.com/company/acme-robotics" rel="me noopener">LinkedIn</a>
    <a href="mailto:hello@acme.example">hello@acme.example</a>
    <a href="tel:+4930123456">+49 30 123456</a>
    <a href="javascript:void(0)">Menu</a>
    <a href="#top">Top</a>
    <a href="https://github.com/acme"><img src="/gh.svg" alt="GitHub"></a>
  </footer>
</body>
</html>`;

  const p = toWebPage(
    {
      url: 'https://acme.example/',
      finalUrl: 'https://www.acme.example/en/',
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        server: 'nginx/1.25.3',
        'x-powered-by': 'Next.js',
        'set-cookie': ['session=SECRET-TOKEN; HttpOnly', '_ga=GA1.2.3; Path=/', 'session=OTHER'],
        'x-request-id': 'not kept',
      },
      body: Buffer.from(HTML),
      truncated: false,
      redirects: ['https://acme.example/'],
    },
    new Date('2025-01-02T03:04:05Z'),
  );

  it('reads title, language and the canonical fields', () => {
    expect(p).toMatchObject({
      url: 'https://acme.example/',
      final_url: 'https://www.acme.example/en/',
      status: 200,
      content_type: 'text/html',
      title: 'Acme Robotics — Industrial robots',
      lang: 'en-GB',
      reader: 'builtin',
      fetched_at: '2025-01-02T03:04:05.000Z',
      redirects: ['https://acme.example/'],
    });
    expect(p.html).toBe(HTML);
  });

  it('keeps readable content only: no script, style, navigation, cookie banner or noscript', () => {
    expect(p.text).toBe(
      [
        'We build robots',
        'Acme Robotics builds industrial robots for factories in 30 countries since 1999. Read our customer stories.',
        'Welding',
        'Packaging',
      ].join('\n'),
    );
    expect(p.text).not.toMatch(/tracking|cookies|About us|enable JavaScript|color/);
  });

  it('writes Markdown with absolute links and images (no data: URIs)', () => {
    expect(p.markdown).toContain('# We build robots');
    expect(p.markdown).toContain('**industrial robots**');
    expect(p.markdown).toContain('[customer stories](https://www.acme.example/customers)');
    expect(p.markdown).toContain('- Welding');
    expect(p.markdown).toContain('![BigCo](https://www.acme.example/logos/bigco.png)');
    expect(p.markdown).toContain('Inline logo');
    expect(p.markdown).not.toContain('data:image');
  });

  it('lists every link absolute (against <base href>), with text and rel; drops javascript: and #fragments', () => {
    expect(p.links).toEqual([
      { href: 'https://www.acme.example/', text: 'Home' },
      { href: 'https://www.acme.example/en/about-us', text: 'About us' },
      { href: 'https://www.acme.example/contact', text: 'Contact' },
      { href: 'https://www.acme.example/customers', text: 'customer stories' },
      {
        href: 'https://www.linkedin.com/company/acme-robotics',
        text: 'LinkedIn',
        rel: 'me noopener',
      },
      { href: 'mailto:hello@acme.example', text: 'hello@acme.example' },
      { href: 'tel:+4930123456', text: '+49 30 123456' },
      { href: 'https://github.com/acme', text: 'GitHub' },
    ]);
  });

  it('keeps fingerprint headers and only the names of cookies, never their values', () => {
    expect(p.headers).toEqual({
      server: 'nginx/1.25.3',
      'x-powered-by': 'Next.js',
      'set-cookie': 'session, _ga',
    });
    expect(JSON.stringify(p)).not.toMatch(/SECRET-TOKEN|GA1\.2\.3|OTHER/);
  });

  const parse = (html: string) =>
    toWebPage({
      url: 'https://a.example/',
      finalUrl: 'https://a.example/',
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: Buffer.from(html),
      truncated: false,
      redirects: [],
    });

  it('writes nested lists, tables, quotes and code as Markdown', () => {
    const md = parse(
      '<main><ol><li>one<ul><li>nested</li></ul></li><li>two</li></ol>' +
        '<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Team</td><td>$10 | seat</td></tr></table>' +
        '<blockquote><p>Great</p><p>tool</p></blockquote><pre><code>npm i\n  assay</code></pre></main>',
    ).markdown;
    expect(md).toBe(
      [
        '1. one',
        '',
        '   - nested',
        '2. two',
        '',
        '| Plan | Price |',
        '| --- | --- |',
        '| Team | $10 \\| seat |',
        '',
        '> Great',
        '>',
        '> tool',
        '',
        '```',
        'npm i',
        '  assay',
        '```',
      ].join('\n'),
    );
  });

  it('cuts a pathologically deep page instead of stalling on it (parsers are quadratic there)', () => {
    const deep = `<p>before</p>${'<div>'.repeat(200_000)}inside${'</div>'.repeat(200_000)}`;
    const q = parse(deep);
    expect(q).toMatchObject({ truncated: true, text: 'before' });
    expect(q.html).toBe(deep);
  });

  it('uses the whole body when there is no <main>, dropping link-heavy chrome but keeping a hero header', () => {
    const q = toWebPage({
      url: 'http://x.example/',
      finalUrl: 'http://x.example/',
      status: 200,
      headers: { 'content-type': 'text/html', 'content-language': 'de-DE, en' },
      body: Buffer.from(
        '<body><header class="hero"><h1>Präzision seit 1920</h1><p>Familienunternehmen aus Stuttgart.</p></header>' +
          '<div><p>Wir fertigen Zahnräder.</p></div>' +
          '<footer><a href="/impressum">Impressum</a> <a href="/datenschutz">Datenschutz</a></footer></body>',
      ),
      truncated: true,
      redirects: [],
    });
    expect(q).toMatchObject({ title: 'Präzision seit 1920', lang: 'de-DE', truncated: true });
    expect(q.text).toBe(
      'Präzision seit 1920\nFamilienunternehmen aus Stuttgart.\nWir fertigen Zahnräder.',
    );
    expect(q.redirects).toBeUndefined();
  });
});
