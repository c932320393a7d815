import { describe, expect, it } from 'vitest';
import { repairXml } from '../../../../src/stages/fetch/repair-xml.js';

describe('repairXml', () => {
  it('escapes bare ampersands but keeps valid references', () => {
    const r = repairXml('<t>AT&T &amp; R&D ?a=1&b=2 &#38; &#x26; &lt;</t>');
    expect(r.xml).toBe('<t>AT&amp;T &amp; R&amp;D ?a=1&amp;b=2 &#38; &#x26; &lt;</t>');
    expect(r.repairs).toEqual(['bare-ampersand']);
  });

  it('turns HTML named entities into numeric references', () => {
    expect(repairXml('<t>&nbsp;&eacute;&hellip;&rsquo;</t>').xml).toBe('<t>&#160;&#233;&#8230;&#8217;</t>');
  });

  it('treats an unknown entity name as literal text', () => {
    expect(repairXml('<t>&nosuch; x</t>').xml).toBe('<t>&amp;nosuch; x</t>');
  });

  it('leaves CDATA sections and comments untouched', () => {
    const xml = '<a><![CDATA[a & b &nbsp; <p>]]><!-- x & y --></a>';
    expect(repairXml(xml)).toEqual({ xml, repairs: [] });
  });

  it('drops control characters, lone surrogates and references to them', () => {
    const r = repairXml('<t>a\u0001b\u000bc\ud800d&#1;e</t>');
    expect(r.xml).toBe('<t>abcde</t>');
    expect(r.repairs).toEqual(expect.arrayContaining(['invalid-characters', 'invalid-character-reference']));
  });

  it('removes a BOM and anything before the first tag', () => {
    const r = repairXml('\ufeff \n\n<?xml version="1.0"?><rss/>');
    expect(r.xml).toBe('<?xml version="1.0"?><rss/>');
    expect(r.repairs).toEqual(['bom', 'junk-before-xml']);
  });

  it('drops an XML declaration that is not first', () => {
    expect(repairXml('<!-- generator --><?xml version="1.0"?><rss/>').xml).toBe('<!-- generator --><rss/>');
  });

  it('wraps HTML pasted into a description in CDATA, keeping its order', () => {
    const r = repairXml('<description><p>One<br>two &copy; <b>3</b></p></description>');
    expect(r.xml).toBe('<description newsflow-raw-markup="1"><![CDATA[<p>One<br>two &copy; <b>3</b></p>]]></description>');
    expect(r.repairs).toEqual(['markup-in-text']);
  });

  it('marks wrapped markup so it stays distinguishable from escaped text', () => {
    expect(repairXml('<summary type="text">a &lt;b&gt;</summary>').xml).toBe('<summary type="text">a &lt;b&gt;</summary>');
    expect(repairXml('<summary type="text">a <b>b</b></summary>').xml).toBe('<summary type="text" newsflow-raw-markup="1"><![CDATA[a <b>b</b>]]></summary>');
    expect(repairXml('<content type="xhtml"><div>x</div></content>').xml).toBe('<content type="xhtml" newsflow-raw-markup="1"><![CDATA[<div>x</div>]]></content>');
  });

  it('does not report inline XML content as a repair', () => {
    expect(repairXml('<content type="xhtml"><div>x</div></content>').repairs).toEqual([]);
    expect(repairXml('<content type="application/xhtml+xml" mode="xml"><div>x</div></content>').repairs).toEqual([]);
  });

  it('removes a DOCTYPE whose entities cannot be fetched', () => {
    expect(repairXml('<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "http://x/rss.dtd"><rss/>').xml).toBe('<rss/>');
  });
});

describe('repairXml on hostile input', () => {
  it('keeps a "]]>" inside wrapped markup intact', () => {
    const r = repairXml('<description><p>a ]]> b</p></description>');
    expect(r.xml).toBe('<description newsflow-raw-markup="1"><![CDATA[<p>a ]]]]><![CDATA[> b</p>]]></description>');
  });

  it('leaves elements that are never closed alone (and stays linear on many of them)', () => {
    const xml = '<rss><channel>' + '<description><p>x'.repeat(20_000);
    const r = repairXml(xml);
    expect(r.xml).toBe(xml);
  });
});
