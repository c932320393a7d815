import { describe, expect, it } from 'vitest';
import { buildRecord } from '../../../../src/domain/build-record.js';
import { NewsflowError } from '../../../../src/domain/errors.js';
import { ArticleRecordSchema } from '../../../../src/domain/record.js';
import { classifiedArticle } from './article-fixture.js';

const unique = { status: 'unique', duplicateOf: null, clusterId: '0123456789abcdef', similarity: null, reason: null, updateOf: null } as const;

describe('buildRecord', () => {
  it('maps the article and its classification into a schema-valid record', () => {
    const article = classifiedArticle();
    const record = buildRecord(article, unique, '0.2.0');
    expect(ArticleRecordSchema.parse(record)).toEqual({
      id: article.id,
      url: article.url,
      canonicalUrl: article.canonicalUrl,
      source: article.source,
      title: article.title,
      author: article.author,
      publishedAt: article.publishedAt,
      fetchedAt: article.fetchedAt,
      lang: 'en',
      text: article.text,
      summary: null,
      images: [],
      topics: article.classification.topics,
      rules: article.classification.rules,
      entities: article.classification.entities,
      keywords: ['strike', 'ports'],
      needsReview: false,
      dedupe: unique,
      pipelineVersion: '0.2.0',
      schemaVersion: 1,
    });
  });

  it('takes the language from the classification, "und" when it has none', () => {
    const article = classifiedArticle({ langHint: 'fr' });
    expect(buildRecord(article, unique, '1').lang).toBe('en');
    const unknown = classifiedArticle();
    unknown.classification.lang = '';
    expect(buildRecord(unknown, unique, '1').lang).toBe('und');
  });

  it('rejects an article that cannot make a valid record as poison', () => {
    expect(() => buildRecord(classifiedArticle({ id: '' }), unique, '1')).toThrow(NewsflowError);
    try {
      buildRecord(classifiedArticle({ id: '' }), unique, '1');
    } catch (err) {
      expect(err).toMatchObject({ kind: 'poison', code: 'record-invalid' });
    }
  });
});
