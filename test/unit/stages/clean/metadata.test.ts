import { describe, expect, it } from 'vitest';
import { extract } from '../../../../src/stages/clean/extract.js';
import { cleanAuthor, sameSite, splitTitle } from '../../../../src/stages/clean/metadata.js';

describe('splitTitle', () => {
  it.each([
    ['Storm hits coast | Daily Planet', null, { title: 'Storm hits coast', site: 'Daily Planet' }],
    ['Daily Planet - Storm hits coast again tonight', 'Daily Planet', { title: 'Storm hits coast again tonight', site: 'Daily Planet' }],
    ['武汉的声音：有英勇的你，才有英雄的城！-新华网', null, { title: '武汉的声音：有英勇的你，才有英雄的城！', site: '新华网' }],
    ['长江中游今年首次启动防汛四级应急响应_江城日报网', null, { title: '长江中游今年首次启动防汛四级应急响应', site: '江城日报网' }],
    ['中美-东盟合作论坛在南宁开幕', null, { title: '中美-东盟合作论坛在南宁开幕', site: null }],
    ['Home | Site', null, { title: 'Home | Site', site: null }],
  ])('splits %s', (title, siteName, expected) => {
    expect(splitTitle(title, siteName, null)).toEqual(expected);
  });

  it('prefers the page heading when the title contains it', () => {
    expect(splitTitle('Breaking: Storm hits coast tonight - Planet', null, 'Storm hits coast tonight').title).toBe('Storm hits coast tonight');
  });
});

describe('splitTitle keeps headlines whole', () => {
  // Dashes, colons and underscores inside headlines are no site separators when nothing says the part is a site.
  it.each([
    'Stocks fall — Dow drops 500 points',
    'Stocks fall – Dow drops 500 points',
    'NASA: Artemis II - Crew named',
    'Brexit deal - what happens next',
    'Why snake_case beats camelCase',
    'Python __init__ files explained',
    'Live: Election results 2024',
    'Q&A: What the budget means for you - Daily Planet',
    '北京至上海高铁-京沪线今日提速',
    '中美-东盟合作论坛在南宁开幕',
  ])('%s (document title, no site name)', (title) => {
    expect(splitTitle(title, null, null, { host: 'example.org' }).title).toBe(title);
  });

  it.each([
    ['Stocks fall — Dow drops 500 points', 'Daily Planet'],
    ['Ukraine war – latest updates', 'Daily Planet'],
    ['Budget approved | Council vote', 'Daily Planet'],
    ['北京至上海高铁-京沪线今日提速', '新华网'],
    ['国务院：加快发展新质生产力_解读', '新华网'],
  ])('%s (a site name is known and the part is not it)', (title, siteName) => {
    expect(splitTitle(title, siteName, null, { host: 'example.org' })).toEqual({ title, site: null });
  });

  it.each([
    'Stocks fall | Dow drops 500 points',
    'Markets: stocks fall - Dow drops',
    'Ratboys live | Tickets',
  ])('%s (og:title, no site name known: never guessed)', (title) => {
    expect(splitTitle(title, null, null, { headline: true, host: 'example.org' }).title).toBe(title);
  });
});

describe('splitTitle strips the site name it can tell', () => {
  it.each([
    // declared site name, compared folded
    ['Budget approved | Daily Planet', { declared: 'Daily Planet' }, 'Budget approved', 'Daily Planet'],
    ['Budget approved - DAILY PLANET', { declared: 'Daily Planet' }, 'Budget approved', 'DAILY PLANET'],
    ['Stocks fall — Dow drops 500 points – Daily Planet', { declared: 'Daily Planet' }, 'Stocks fall — Dow drops 500 points', 'Daily Planet'],
    ['NASA: Artemis II - Crew named | Daily Planet', { declared: 'Daily Planet' }, 'NASA: Artemis II - Crew named', 'Daily Planet'],
    ['Faire Lieferketten - Evangelisches Jugendwerk in Württemberg (ejw)', { declared: 'Evangelisches Jugendwerk in Württemberg' }, 'Faire Lieferketten', 'Evangelisches Jugendwerk in Württemberg (ejw)'],
    ['Kleine Schafskunde | Mäscot das Schaf', { declared: 'Mäscot das Schaf – Webcomic' }, 'Kleine Schafskunde', 'Mäscot das Schaf'],
    // the declared name with separators of its own, and a tagline after the site
    ['Zu Besuch — Herz und Blut - Interior | Design', { declared: 'Herz und Blut - Interior | Design' }, 'Zu Besuch', 'Herz und Blut - Interior | Design'],
    ['Christmas Gift Guide | Journelles | Jetzt entdecken!', { declared: 'Journelles' }, 'Christmas Gift Guide', 'Journelles'],
    // in og:title too, when it names the site
    ['Storm hits coast | The Verge', { declared: 'The Verge', headline: true }, 'Storm hits coast', 'The Verge'],
    // the host: whole words, a word plus a section, initials, umlauts spelled out, hyphenated labels
    ['Covid-19: schools reopen - BBC News', { host: 'www.bbc.co.uk' }, 'Covid-19: schools reopen', 'BBC News'],
    ['Trump says "no deal" - CNN Politics', { host: 'edition.cnn.com' }, 'Trump says "no deal"', 'CNN Politics'],
    ['Storm hits coast - The New York Times', { host: 'www.nytimes.com' }, 'Storm hits coast', 'The New York Times'],
    ['Markets rally - The Wall Street Journal', { host: 'www.wsj.com' }, 'Markets rally', 'The Wall Street Journal'],
    ['Streit um Rente - Süddeutsche Zeitung', { host: 'www.sueddeutsche.de' }, 'Streit um Rente', 'Süddeutsche Zeitung'],
    ['Leasing oder Kauf – Finanzcheck.de', { host: 'www.finanzcheck.de' }, 'Leasing oder Kauf', 'Finanzcheck.de'],
    ['Meister gekürt - Berliner Leichtathletik Verband', { host: 'leichtathletik-berlin.de' }, 'Meister gekürt', 'Berliner Leichtathletik Verband'],
    ['Erlass veröffentlicht - Bundeskanzleramt Österreich', { host: 'www.bundeskanzleramt.gv.at' }, 'Erlass veröffentlicht', 'Bundeskanzleramt Österreich'],
    ['BMAS - Änderung der Anforderungen', { host: 'www.bmas.de' }, 'Änderung der Anforderungen', 'BMAS'],
    // aliases: twitter:site, publisher
    ['Storm hits coast - Daily Planet', { aliases: ['@dailyplanet'] }, 'Storm hits coast', 'Daily Planet'],
  ])('%s', (title, hints, expected, site) => {
    expect(splitTitle(title, null, null, hints)).toEqual({ title: expected, site });
  });

  it('drops a trailing time stamp', () => {
    expect(splitTitle('So viel Regen gab es lange nicht : 31.10.2023, 10.19 Uhr', 'Kyffhäuser Nachrichten', null).title).toBe('So viel Regen gab es lange nicht');
  });

  it('guesses a short site part after a strong separator in a document title when no name is declared', () => {
    expect(splitTitle('Budget approved by council | Daily Planet', null, null, { host: 'example.org' })).toEqual({ title: 'Budget approved by council', site: 'Daily Planet' });
    expect(splitTitle('Alles Neue mach der Mai… | Bibliothek 2.0 und mehr', null, null)).toEqual({ title: 'Alles Neue mach der Mai…', site: 'Bibliothek 2.0 und mehr' });
    expect(splitTitle('Leasing oder Kauf – vergleich.de', null, null).title).toBe('Leasing oder Kauf');
    expect(splitTitle('国务院：加快发展新质生产力_新华网', null, null, { host: 'www.news.cn' }).title).toBe('国务院：加快发展新质生产力');
  });

  it('does not strip a leading part that only starts with the site name', () => {
    expect(splitTitle('Welpen kaufen – Tipps zu jeder Hunderasse', 'Welpen', null, { headline: true }).title).toBe('Welpen kaufen – Tipps zu jeder Hunderasse');
  });

  it('does not take a site-name heading for the headline', () => {
    expect(splitTitle('Budget approved | Daily Planet News', 'Daily Planet News', 'Daily Planet News').title).toBe('Budget approved');
  });

  it('drops a dangling separator', () => {
    expect(splitTitle('National Rail Enquiries -', null, null).title).toBe('National Rail Enquiries');
  });
});

describe('sameSite', () => {
  it.each([
    ['The New York Times', 'nytimes'],
    ['The Guardian', 'theguardian'],
    ['DER SPIEGEL', 'spiegel'],
    ['Frankfurter Allgemeine Zeitung', 'faz'],
    ['Süddeutsche Zeitung', 'sueddeutsche'],
    ['heise online', 'heise'],
    ['Guardian', 'The Guardian'],
    ['NYT', 'The New York Times'],
  ])('%s ~ %s', (a, b) => {
    expect(sameSite(a, b)).toBe(true);
  });

  it.each([
    ['Zeitgeist', 'zeit'],
    ['Crew named now', 'cnn'],
    ['Dow drops 500 points', 'Daily Planet'],
    ['Zeit für Veränderung im Land', 'zeit'],
    ['京沪线今日提速', '新华网'],
  ])('%s ≁ %s', (a, b) => {
    expect(sameSite(a, b)).toBe(false);
  });
});

describe('cleanAuthor', () => {
  it.each([
    ['Byron York', 'Byron York'],
    ['Parker Molloy', 'Parker Molloy'],
    ['Porter Anderson', 'Porter Anderson'],
    ['Vondra Smith', 'Vondra Smith'],
    ['Dora Diaz', 'Dora Diaz'],
    ['Di Maria', 'Di Maria'],
    ['Avery Brooks', 'Avery Brooks'],
    ['文刀', '文刀'],
    ['文雯', '文雯'],
    ['作家出版社', '作家出版社'],
    ['By Jane Doe', 'Jane Doe'],
    ['by: Jane Doe', 'Jane Doe'],
    ['BY JANE DOE', 'JANE DOE'],
    ['Written by Jane Doe', 'Jane Doe'],
    ['Von Max Mustermann', 'Max Mustermann'],
    ['Par Jean Dupont', 'Jean Dupont'],
    ['Por María López', 'María López'],
    ['作者：林远', '林远'],
    ['作者 林远', '林远'],
    ['文/林远', '林远'],
    ['文 | 林远', '林远'],
    ['记者：王强', '王强'],
  ])('%s → %s', (input, expected) => {
    expect(cleanAuthor(input)).toBe(expected);
  });

  it('refuses profile URLs and link labels', () => {
    expect(cleanAuthor('https://www.facebook.com/janedoe')).toBeNull();
    expect(cleanAuthor('www.facebook.com/janedoe')).toBeNull();
    expect(cleanAuthor('facebook.com/janedoe')).toBeNull();
    expect(cleanAuthor('Archiv anzeigen →')).toBeNull();
    expect(cleanAuthor('By')).toBeNull();
  });
});

const para = '<p>' + 'The council voted on Tuesday to approve the new budget, which includes funding for schools and roads. '.repeat(4) + '</p>';
const page = (head: string, body = '') => `<html><head>${head}</head><body><article>${body}${para}</article></body></html>`;
const ld = (author: unknown) => `<script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@type': 'NewsArticle', headline: 'Budget approved', author })}</script>`;

describe('extract: author', () => {
  it.each([
    ['article:author URL before JSON-LD', `<meta property="article:author" content="https://www.facebook.com/janedoe">${ld({ '@type': 'Person', name: 'Jane Doe' })}`, ''],
    ['author URL before rel=author', '<meta name="author" content="https://example.org/authors/jane">', '<p class="x"><a rel="author" href="/jane">Jane Doe</a></p>'],
    ['author URL before dc.creator', '<meta name="author" content="https://example.org/jane"><meta name="dc.creator" content="Jane Doe">', ''],
    ['site name before JSON-LD person', `<meta property="og:site_name" content="Daily Planet"><meta name="author" content="Daily Planet">${ld({ '@type': 'Person', name: 'Jane Doe' })}`, ''],
  ])('falls back past %s', (_, head, body) => {
    expect(extract(page(`<title>Budget approved</title>${head}`, body), 'https://example.org/news/1').author).toBe('Jane Doe');
  });

  it('keeps the site name as author when nothing names a person', () => {
    const html = page('<title>Budget approved</title><meta property="og:site_name" content="Daily Planet"><meta name="author" content="Daily Planet">');
    expect(extract(html, 'https://example.org/news/1').author).toBe('Daily Planet');
  });

  it('keeps names that begin like a by-line prefix', () => {
    for (const name of ['Byron York', 'Parker Molloy', '文刀']) {
      expect(extract(page(`<title>Budget approved</title><meta name="author" content="${name}">`), 'https://example.org/news/1').author).toBe(name);
    }
  });
});

describe('extract: title', () => {
  it.each([
    'Stocks fall — Dow drops 500 points',
    'NASA: Artemis II - Crew named',
    'Why snake_case beats camelCase',
    'Brexit deal - what happens next',
    '北京至上海高铁-京沪线今日提速',
  ])('keeps the og:title %s whole and learns the site from <title>', (headline) => {
    const html = page(`<title>${headline} | Daily Planet</title><meta property="og:title" content="${headline}">`);
    const r = extract(html, 'https://example.org/n/1');
    expect(r.title).toBe(headline);
    expect(r.siteName).toBe('Daily Planet');
  });

  it('strips a site name from an og:title that only repeats the <title>', () => {
    const html = page('<title>Budget approved by council | Daily Planet</title><meta property="og:title" content="Budget approved by council | Daily Planet">');
    expect(extract(html, 'https://example.org/n/1').title).toBe('Budget approved by council');
  });

  it('strips the og:site_name from the <title>', () => {
    const html = page('<title>Stocks fall — Dow drops 500 points - Daily Planet</title><meta property="og:site_name" content="Daily Planet">');
    expect(extract(html, 'https://example.org/n/1').title).toBe('Stocks fall — Dow drops 500 points');
  });
});
