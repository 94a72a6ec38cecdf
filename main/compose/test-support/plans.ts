// The plan fixtures (fixtures/plans.md): a plan in its text form and every byte it sends.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeInput } from '../../http1/test-support/fixtures';
import { plainText } from '../text';

export interface PlanFixture {
  name: string;
  /** The plan's text as bytes (latin1), as it stands in a file. */
  text: string;
  bytes: Buffer;
}

export function loadPlanFixtures(): PlanFixture[] {
  const file = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'plans.md'), 'utf8');
  return file
    .split(/^## /m)
    .slice(1)
    .map((section) => {
      const name = section.slice(0, section.indexOf('\n')).trim();
      const plan = /```plan\n([\s\S]*?)```/.exec(section);
      const bytes = /```bytes\n([\s\S]*?)```/.exec(section);
      if (!plan || !bytes) throw new Error(`plans.md: ${name}: needs a plan block and a bytes block`);
      return { name, text: plainText(plan[1]!), bytes: Buffer.from(decodeInput('bytes', bytes[1]!, name)) };
    });
}
