// The message files as the checks read them: messages/en.json and messages/es.json (inlang message format).
// Read from disk, not imported, so that the checks see exactly what translators edit.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * A message value: a plain pattern ("Back to {name}"), or variants, which the message format writes as
 * `[{ declarations, selectors, match: { "count=one": "…", "count=*": "…" } }]`.
 */
export type MessageValue = string | { match?: Record<string, string> }[];
export type Catalog = Record<string, MessageValue>;

export function loadCatalog(locale: Locale): Catalog {
	const path = fileURLToPath(new URL(`../../../messages/${locale}.json`, import.meta.url));
	const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, MessageValue>;
	delete json.$schema;
	return json;
}

/** Every text a person could read for this message (one, or one per variant). */
export function patterns(value: MessageValue): string[] {
	return typeof value === 'string' ? [value] : value.flatMap((variant) => Object.values(variant.match ?? {}));
}

const PLACEHOLDER = /(?<!\\)\{\s*([A-Za-z_]\w*)\s*\}/g;

/** The `{parameters}` a message takes, sorted. */
export function parameters(value: MessageValue): string[] {
	const names = new Set<string>();
	for (const text of patterns(value)) for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1]);
	return [...names].sort();
}

/** The pattern with each `{parameter}` replaced by `fill(name)`. */
export function fillPlaceholders(text: string, fill: (name: string) => string): string {
	return text.replace(PLACEHOLDER, (_, name: string) => fill(name));
}
