// Writes schema/article-record.schema.json from the zod schema, the one definition of the output record.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/config/load.js';
import { articleRecordJsonSchema } from '../src/domain/record.js';

const file = path.join(PACKAGE_ROOT, 'schema', 'article-record.schema.json');
writeFileSync(file, `${JSON.stringify(articleRecordJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
