// How every fetch meets politeness: each request of a redirect chain waits for its own host's turn, so a redirect
// to another host is limited and spaced like a direct request to it. At most one lease is held at a time: a hop's
// is released before the next host is waited for, so chains redirecting towards each other cannot deadlock.
import { permanent } from '../../domain/errors.js';
import type { HttpClient, HttpGetOptions, HttpResponse, Politeness, RobotsPolicy } from './deps.js';

export interface PoliteGetOptions extends Omit<HttpGetOptions, 'eachHop'> {
  /**
   * Checks every hop against its site's robots.txt before asking the host, and spaces the host's requests by its
   * Crawl-delay. A refused hop fails with the permanent code `robots-disallowed`. Default: none (feeds, robots.txt).
   */
  robots?: RobotsPolicy;
}

export function politeGet(deps: { http: HttpClient; politeness: Politeness }, url: string, options: PoliteGetOptions): Promise<HttpResponse> {
  const { robots, ...get } = options;
  const { signal } = options;
  return deps.http.get(url, {
    ...get,
    eachHop: async (hop, request) => {
      let minDelayMs: number | undefined;
      if (robots) {
        const verdict = await robots.check(hop.href, signal);
        if (!verdict.allowed) throw permanent('robots-disallowed', `robots.txt disallows ${hop.href}`);
        minDelayMs = verdict.crawlDelayMs ?? undefined;
      }
      return deps.politeness.withHost(hop.host, request, { signal, minDelayMs });
    },
  });
}
