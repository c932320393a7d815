// Browser-style encoding decisions on real legacy-encoded bytes.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, charsetFromDocument, decodeBody, normalizeCharset, utf8Evidence } from '../../../src/domain/encoding.js';
import { ENCODING_SAMPLES, sampleFeed } from '../../fixtures/feeds/encoding-samples.js';

describe('normalizeCharset', () => {
  it('maps gb2312 and gbk labels to GB18030 and rejects unknown labels', () => {
    expect(normalizeCharset('GB2312')).toBe('gb18030');
    expect(normalizeCharset('gbk')).toBe('gb18030');
    expect(normalizeCharset('"UTF8"')).toBe('utf-8');
    expect(normalizeCharset('no-such-charset')).toBeNull();
  });

  it('reads the charset of a Content-Type and of a document head', () => {
    expect(charsetFromContentType('text/xml; charset="Big5"')).toBe('big5');
    expect(charsetFromDocument(Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?><a/>'))).toBe('shift_jis');
    expect(charsetFromDocument(Buffer.from('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'))).toBe('gb18030');
  });
});

describe('decodeBody', () => {
  for (const sample of ENCODING_SAMPLES) {
    const text = sampleFeed(sample, true);
    const bytes = iconv.encode(text, sample.writeAs);

    it(`decodes ${sample.label} named by the HTTP header`, () => {
      const d = decodeBody(bytes, `application/rss+xml; charset=${sample.label}`);
      expect(d.source).toBe('http');
      expect(d.text).toContain(sample.items[0]);
      expect(d.text).toContain(sample.items.at(-1));
    });

    it(`decodes ${sample.label} named only by the XML declaration`, () => {
      const d = decodeBody(bytes, 'application/rss+xml');
      expect(d.source).toBe('document');
      expect(d.text).toContain(sample.title);
    });

    it(`detects ${sample.label} that nothing names`, () => {
      const d = decodeBody(iconv.encode(sampleFeed(sample, false), sample.writeAs), 'text/xml');
      expect(d.source).toBe('sniffed');
      expect(d.text).toContain(sample.items[0]);
    });

    it(`overrules a header that says UTF-8 over ${sample.label} bytes`, () => {
      const d = decodeBody(bytes, 'text/xml; charset=utf-8');
      expect(d.source).toBe('sniffed');
      expect(d.text).toContain(sample.title);
    });
  }

  it('decodes GBK-only characters under a gb2312 label', () => {
    const sample = ENCODING_SAMPLES.find((s) => s.label === 'gb2312')!;
    const d = decodeBody(iconv.encode(sampleFeed(sample, true), 'gbk'));
    expect(d.encoding).toBe('gb18030');
    expect(d.text).toContain('陶喆');
  });

  it('reads UTF-8 declared as ISO-8859-1 as UTF-8', () => {
    const d = decodeBody(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>Café crème brûlée à la française</title></rss>'));
    expect(d.encoding).toBe('utf-8');
    expect(d.text).toContain('Café crème brûlée');
  });

  it('keeps genuine windows-1252 bytes declared as ISO-8859-1', () => {
    const d = decodeBody(iconv.encode('<?xml version="1.0" encoding="ISO-8859-1"?><t>Café “quoted”</t>', 'windows-1252'));
    expect(d.text).toContain('Café “quoted”');
  });

  it('lets a BOM win over every label', () => {
    const d = decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<t>日本</t>')]), 'text/xml; charset=shift_jis');
    expect([d.source, d.text]).toEqual(['bom', '<t>日本</t>']);
  });
});

describe('decodeBody without a BOM in UTF-16', () => {
  it('recognises UTF-16 XML by its first bytes', () => {
    const text = '<?xml version="1.0" encoding="UTF-16"?><rss><title>新闻</title></rss>';
    expect(decodeBody(iconv.encode(text, 'utf-16le')).text).toBe(text);
    expect(decodeBody(iconv.encode(text, 'utf-16be')).text).toBe(text);
  });
});

describe('decodeBody on UTF-8 with a few bad bytes', () => {
  const PROSE: Record<string, string> = {
    de: 'Die Bürger in München äußerten große Sorge über die Öffnungszeiten der Behörde. Müller sagte, die Lösung sei schwierig.',
    zh: '政府宣布了新的经济支持措施。财政部长表示，预算将在未来几周内重新审议，小企业的税收负担将会减轻。专家对此表示怀疑。',
  };
  /** A UTF-8 page whose footer has one Latin-1 "©" (0xA9), as when a template and its content disagree. */
  const page = (prose: string, meta = '') =>
    Buffer.concat([
      Buffer.from(`<html><head>${meta}<title>x</title></head><body><article><p>${prose}</p><p>Copyright `, 'utf8'),
      Buffer.from([0xa9]),
      Buffer.from(' 2024 Example</p></article></body></html>'),
    ]);

  for (const [lang, prose] of Object.entries(PROSE)) {
    it(`keeps ${lang} prose declared UTF-8 by header or <meta> as UTF-8, the stray byte becoming U+FFFD`, () => {
      for (const [d, source] of [[decodeBody(page(prose), 'text/html; charset=utf-8'), 'http'], [decodeBody(page(prose, '<meta charset="utf-8">')), 'document']] as const) {
        expect([d.encoding, d.source]).toEqual(['utf-8', source]);
        expect(d.text).toContain(prose);
        expect(d.text).toContain('Copyright \uFFFD 2024');
      }
    });

    it(`reads undeclared ${lang} prose with a stray byte as UTF-8`, () => {
      const d = decodeBody(page(prose), 'text/html');
      expect(d.encoding).toBe('utf-8');
      expect(d.text).toContain(prose);
    });
  }

  it('keeps UTF-8 cut mid-character at the end, as a body cut at the size cap is', () => {
    const whole = Buffer.from(`<p>${PROSE.zh}</p>`, 'utf8');
    const cut = whole.subarray(0, whole.indexOf(Buffer.from('怀', 'utf8')) + 2);
    const d = decodeBody(cut, 'text/html; charset=utf-8');
    expect([d.encoding, d.source]).toEqual(['utf-8', 'http']);
    expect(d.text).toContain('专家对此表示');
  });

  it('reads UTF-8 declared ISO-8859-1 as UTF-8 despite a stray byte', () => {
    const d = decodeBody(page(PROSE.de!, '<meta charset="iso-8859-1">'));
    expect(d.encoding).toBe('utf-8');
    expect(d.text).toContain(PROSE.de);
  });

  it('still detects legacy bytes declared UTF-8 that hold a few valid UTF-8 sequences by accident or by a pasted snippet', () => {
    const legacy = iconv.encode(`<p>${PROSE.de} ${PROSE.de}</p>`, 'windows-1252');
    const d = decodeBody(Buffer.concat([legacy, Buffer.from('<p>Ein Zitat: „Straße“</p>', 'utf8')]), 'text/html; charset=utf-8');
    expect(d.source).toBe('sniffed');
    expect(d.text).toContain(PROSE.de);
  });
});

describe('utf8Evidence', () => {
  it('counts valid multi-byte sequences, and invalid ones as a browser counts its U+FFFD', () => {
    // é, a lone continuation byte, €, a surrogate (ED A0 80: three errors), an overlong "/" (C0 AF: two), 😀.
    const bytes = Buffer.from([0xc3, 0xa9, 0x41, 0xa9, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf0, 0x9f, 0x98, 0x80]);
    expect(utf8Evidence(bytes)).toEqual({ valid: 3, invalid: 6 });
    expect(new TextDecoder().decode(bytes).match(/\uFFFD/g)).toHaveLength(6);
  });

  it('agrees with the WHATWG decoder on random bytes', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let n = 0; n < 200; n++) {
      // Ending in ASCII, so no sequence is cut short (which the decoder counts and utf8Evidence does not).
      const bytes = Uint8Array.from([...Array.from({ length: 64 }, next), 0x20]);
      const fffd = new TextDecoder().decode(bytes).match(/\uFFFD/g)?.length ?? 0;
      expect(utf8Evidence(bytes).invalid).toBe(fffd);
    }
  });

  it('does not count a sequence the end of the bytes cuts short', () => {
    expect(utf8Evidence(Buffer.from([0x41, 0xc3, 0xa9, 0xe2, 0x82]))).toEqual({ valid: 1, invalid: 0 });
  });
});
