import { describe, expect, it } from 'vitest';
import { parseQuery, QuerySyntaxError } from '../../../../src/stages/classify/rules/query-parser.js';

function syntaxError(q: string): QuerySyntaxError {
  try {
    parseQuery(q);
  } catch (err) {
    if (err instanceof QuerySyntaxError) return err;
    throw err;
  }
  throw new Error(`"${q}" parsed without error`);
}

describe('parseQuery', () => {
  it('binds NEAR tighter than NOT, NOT tighter than AND, AND tighter than OR', () => {
    expect(parseQuery('a OR b c NOT d NEAR/2 e')).toEqual({
      type: 'or',
      children: [
        { type: 'term', text: 'a', prefix: false, phrase: false, fields: null, pos: 0 },
        {
          type: 'and',
          children: [
            { type: 'term', text: 'b', prefix: false, phrase: false, fields: null, pos: 5 },
            { type: 'term', text: 'c', prefix: false, phrase: false, fields: null, pos: 7 },
            {
              type: 'not',
              child: {
                type: 'near',
                distance: 2,
                ordered: false,
                pos: 15,
                left: { type: 'term', text: 'd', prefix: false, phrase: false, fields: null, pos: 13 },
                right: { type: 'term', text: 'e', prefix: false, phrase: false, fields: null, pos: 22 },
              },
            },
          ],
        },
      ],
    });
  });

  it('reads phrases, prefixes, Chinese quotes and brackets', () => {
    expect(parseQuery('"exact phrase"')).toMatchObject({ type: 'term', text: 'exact phrase', phrase: true });
    expect(parseQuery('regulat*')).toMatchObject({ type: 'term', text: 'regulat', prefix: true });
    expect(parseQuery('"export control*"')).toMatchObject({ type: 'term', text: 'export control', prefix: true, phrase: true });
    expect(parseQuery('“人工智能” AND （峰会 OR 会议）')).toMatchObject({
      type: 'and',
      children: [{ text: '人工智能', phrase: true }, { type: 'or', children: [{ text: '峰会' }, { text: '会议' }] }],
    });
  });

  it('pushes field scopes down to terms and makes metadata scopes their own nodes', () => {
    expect(parseQuery('title:(AI OR "machine learning")')).toMatchObject({
      type: 'or',
      children: [
        { type: 'term', text: 'AI', fields: ['title'] },
        { type: 'term', text: 'machine learning', fields: ['title'] },
      ],
    });
    expect(parseQuery('lang:zh site:gov.cn source:feed-1 AI')).toMatchObject({
      type: 'and',
      children: [
        { type: 'meta', field: 'lang', value: 'zh' },
        { type: 'meta', field: 'site', value: 'gov.cn' },
        { type: 'meta', field: 'source', value: 'feed-1' },
        { type: 'term', text: 'AI' },
      ],
    });
    expect(parseQuery('a ONEAR/5 b')).toMatchObject({ type: 'near', ordered: true, distance: 5 });
  });

  it('takes NEAR sides that have a word of the text somewhere, and sides that share a field', () => {
    expect(parseQuery('alpha NEAR/3 (beta AND NOT gamma)')).toMatchObject({ type: 'near' });
    expect(parseQuery('alpha NEAR/3 (beta AND source:feed)')).toMatchObject({ type: 'near' });
    expect(parseQuery('title:a NEAR/2 (title:b OR text:c)')).toMatchObject({ type: 'near' });
    expect(parseQuery('title:a NEAR/2 b')).toMatchObject({ type: 'near' });
  });

  it('treats lower-case operators as words', () => {
    expect(parseQuery('rock and roll')).toMatchObject({ type: 'and', children: [{ text: 'rock' }, { text: 'and' }, { text: 'roll' }] });
  });

  it.each([
    ['(a OR b', 'missing ")"', 0],
    ['a OR b)', 'unbalanced ")"', 6],
    ['a AND', 'query ends where a term was expected', 5],
    ['"open', 'unterminated phrase', 0],
    ['a NEAR b', 'NEAR/n', 2],
    ['foo:bar', 'unknown field "foo:"', 0],
    ['ab*c', '"*" is allowed only at the end', 2],
    ['NOT a', 'matches without any term', 0],
    ['a NOT NOT b', '"NOT NOT" cancels out', 6],
    ['NOT NOT a', '"NOT NOT" cancels out', 4],
    ['a OR OR b', 'unexpected "OR"', 5],
    ['lang:(zh NEAR/2 en)', 'NEAR cannot be used inside lang:', 9],
    ['', 'empty query', 0],
    ['AI OR "*"', '"*" needs at least one character before it', 6],
    ['AI OR \u200b', 'has no character to match', 6],
    ['source:feed NEAR/2 alpha', 'each side of NEAR needs a word of the text', 12],
    ['alpha ONEAR/3 lang:en', 'each side of ONEAR needs a word of the text', 6],
    ['alpha NEAR/2 (NOT beta)', 'each side of NEAR needs a word of the text', 6],
    ['text:a NEAR/2 title:b', 'never meet', 7],
  ])('rejects %j with a message and the offset of the mistake', (query, message, offset) => {
    const err = syntaxError(query);
    expect(err.message).toContain(message);
    expect(err.offset).toBe(offset);
  });
});
