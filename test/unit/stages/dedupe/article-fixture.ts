// A classified article as the dedupe stage receives it, for tests.
import type { ClassifiedArticle } from '../../../../src/domain/record.js';

export function classifiedArticle(overrides: Partial<ClassifiedArticle> = {}): ClassifiedArticle {
  return {
    id: '0123456789abcdef',
    url: 'https://news.example.com/ports/strike?utm_source=rss',
    canonicalUrl: 'https://news.example.com/ports/strike',
    source: { id: 'example-news', title: 'Example News', url: 'https://news.example.com/' },
    feedItemId: 'guid-42',
    title: 'Dock workers walk out',
    author: 'A. Reporter',
    publishedAt: '2025-02-12T08:30:00+08:00',
    fetchedAt: '2025-02-12T09:00:00+00:00',
    langHint: 'en',
    text: 'Container traffic stopped at three ports on Monday.\n\nThe union said talks had broken down.',
    summary: null,
    images: [],
    rawRef: null,
    classification: {
      lang: 'en',
      langConfidence: 0.98,
      topics: [{ code: '20000349', label: 'labour dispute', score: 0.9, source: 'rule:labour' }],
      rules: [{ rule: 'ports', version: '1', hits: [{ term: 'port', field: 'text', start: 30, end: 34 }] }],
      entities: [{ id: 'org:union', type: 'organization', name: 'the union', mentions: 1 }],
      keywords: ['strike', 'ports'],
      needsReview: false,
    },
    ...overrides,
  };
}
