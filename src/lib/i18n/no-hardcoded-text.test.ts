import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFinding, findHardcodedText, findInTree, svelteFiles } from './hardcoded-text';

// Words live in messages, never in markup (architecture.md): every word on a page must come from a
// message function, so that a Spanish-speaking parent never meets an English label the team forgot.

const SRC = fileURLToPath(new URL('../..', import.meta.url));
const REPO = fileURLToPath(new URL('../../..', import.meta.url));

describe('no hard-coded text in components', () => {
	it('looks at every page and component', () => {
		const files = svelteFiles(SRC).map((path) => relative(REPO, path));
		expect(files).toContain(join('src', 'routes', '(public)', 'sign-in', '+page.svelte'));
		expect(files).toContain(join('src', 'lib', 'components', 'LanguageSwitch.svelte'));
	});

	it('every .svelte file under src takes its words from messages', () => {
		const findings = findInTree(SRC, REPO);
		expect(findings.map(describeFinding), 'Move these words into messages/en.json and messages/es.json').toEqual([]);
	});
});

describe('the checker itself', () => {
	const bad = `<script lang="ts">
	import { m } from '$lib/paraglide/messages';
	let { done, name }: { done: boolean; name?: string } = $props();
	const note = 'Script strings are not checked here';
</script>

<svelte:head><title>Meeting · Hearth</title></svelte:head>
<h1>Welcome back</h1>
<img src="/logo.png" alt="Hearth logo" />
<input placeholder="Your name" />
<input type="submit" value="Send" />
<button value="Go" aria-label="Close the dialog">×</button>
<a href="/help" title="Help">?</a>
<p aria-description="Extra words">{done ? 'Yes' : m.notes_heading()}</p>
<p>{name ?? \`Nobody \${name}\`}</p>
{#if done}
	<span>Saved</span>
{:else}
	{#each [1] as n (n)}<em>Not yet</em>{:else}<em>Empty</em>{/each}
{/if}
<Card title="Strengths" />
`;

	const good = `<script lang="ts">
	import { m } from '$lib/paraglide/messages';
	let { done, label }: { done: boolean; label: string } = $props();
</script>

<svelte:head><title>{m.notes_heading()} · Hearth</title></svelte:head>
<a class="brand" href="/">Hearth</a>
<span lang="en">English</span> | <span lang="es">Español</span>
<h1>{m.notes_heading()}:</h1>
<input type="hidden" name="next" value="/cases" />
<button type="submit" name="decision" value="accept">{m.notes_heading()}</button>
<input type="email" value="" placeholder={label} />
<button type="submit" name="locale" value={done ? 'es' : 'en'} aria-label={m.notes_label()}>{label}</button>
<p class="status" data-status="live">{done ? m.notes_heading() : ''}, {label} — / ·</p>
<p>{new Intl.DateTimeFormat('es-MX').format(0)}</p>
<style>
	p::after { content: 'not markup'; }
</style>
`;

	it('names the file, the line and the text of each hard-coded word', () => {
		const found = findHardcodedText(bad, 'src/lib/components/Planted.svelte').map(describeFinding);
		expect(found).toEqual([
			'src/lib/components/Planted.svelte:7 text in <title>: "Meeting · Hearth"',
			'src/lib/components/Planted.svelte:8 text in <h1>: "Welcome back"',
			'src/lib/components/Planted.svelte:9 alt= on <img>: "Hearth logo"',
			'src/lib/components/Planted.svelte:10 placeholder= on <input>: "Your name"',
			'src/lib/components/Planted.svelte:11 value= on <input>: "Send"',
			'src/lib/components/Planted.svelte:12 aria-label= on <button>: "Close the dialog"',
			'src/lib/components/Planted.svelte:13 title= on <a>: "Help"',
			'src/lib/components/Planted.svelte:14 aria-description= on <p>: "Extra words"',
			'src/lib/components/Planted.svelte:14 expression in <p>: "Yes"',
			'src/lib/components/Planted.svelte:15 expression in <p>: "Nobody"',
			'src/lib/components/Planted.svelte:17 text in <span>: "Saved"',
			'src/lib/components/Planted.svelte:19 text in <em>: "Not yet"',
			'src/lib/components/Planted.svelte:19 text in <em>: "Empty"',
			'src/lib/components/Planted.svelte:21 title= on <Card>: "Strengths"'
		]);
	});

	it('lets through messages, the product name, language names, symbols and data attributes', () => {
		expect(findHardcodedText(good, 'Good.svelte').map(describeFinding)).toEqual([]);
	});

	describe('on a planted file in a tree', () => {
		const root = mkdtempSync(join(tmpdir(), 'hearth-i18n-'));
		afterAll(() => rmSync(root, { recursive: true, force: true }));

		it('fails the tree check with the planted component named', () => {
			mkdirSync(join(root, 'routes', 'plan'), { recursive: true });
			writeFileSync(join(root, 'routes', 'plan', '+page.svelte'), '<h1>{title}</h1>\n\n<p>\n\tWhat are we worried about?\n</p>\n');
			writeFileSync(join(root, 'Fine.svelte'), '<p>{text}</p>');
			expect(findInTree(root).map(describeFinding)).toEqual([
				`${join('routes', 'plan', '+page.svelte')}:4 text in <p>: "What are we worried about?"`
			]);
		});
	});
});
