// The baseline: Mozilla Readability (Firefox Reader View) on linkedom, a light DOM made for server-side use.
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

export function readabilityText(html: string): string | null {
  const { document } = parseHTML(html);
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  return article?.textContent ?? null;
}
