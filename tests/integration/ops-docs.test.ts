import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/config.js';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('configuration reference', () => {
  const variables = Object.keys(envSchema.shape);

  it('documents every variable the product reads in docs/operations.md', () => {
    const doc = read('docs/operations.md');
    const missing = variables.filter((v) => !doc.includes(`| \`${v}\``));
    expect(missing).toEqual([]);
  });

  it('lists every variable in .env.example', () => {
    const example = read('.env.example');
    const missing = variables.filter((v) => !new RegExp(`^${v}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });
});
