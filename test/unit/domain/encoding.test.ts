// Browser-style encoding decisions on real legacy-encoded bytes.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, charsetFromDocument, decodeBody, normalizeCharset } from '../../../src/domain/encoding.js';
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
