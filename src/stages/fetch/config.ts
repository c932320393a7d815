// Options of the fetch stages (HTTP client, politeness, new-item detection); every default is here.
import { z } from 'zod';

export const FetchConfigSchema = z
  .object({
    /** User agent sent with every request; names the product so site owners can reach us. */
    userAgent: z.string().min(1).default('newsflow/0.1 (+https://github.com/newsflow/newsflow)'),
    /** Whole-request timeout in milliseconds. */
    timeoutMs: z.number().int().positive().default(20_000),
    /** Largest response body accepted, after decompression, in bytes. */
    maxBytes: z.number().int().positive().default(10 * 1024 * 1024),
    /** Most redirects followed per request. */
    maxRedirects: z.number().int().min(0).default(5),
    /** Hosts or IP literals exempt from the private-address guard (the demo and tests allow 127.0.0.1). */
    allowHosts: z.array(z.string()).default([]),
    /** An item whose feed content has fewer characters of text than this gets its article page fetched. */
    fullTextMinChars: z.number().int().min(0).default(500),
    /** Encoding assumed when neither the BOM, the HTTP header nor the document declares one. */
    defaultEncoding: z.string().default('utf-8'),
  })
  .strict();
export type FetchConfig = z.infer<typeof FetchConfigSchema>;
