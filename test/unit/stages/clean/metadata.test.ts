import { describe, expect, it } from 'vitest';
import { splitTitle } from '../../../../src/stages/clean/metadata.js';

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
