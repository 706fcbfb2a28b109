import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getSchema, type JSONContent } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { NOTES_FIELD, notesOf } from './meeting-doc';
import { escapeHtml, notesToHtml, notesToText, NOTES_TEXT_MAX, safeHref } from './notes-html';
import { nestBlockquotes } from '../../../tests/support/hostile';

// The notes are built the way the editor stores them: Tiptap's own schema (StarterKit, as in
// notes-editor.ts) through y-prosemirror's own conversion, so these tests check the real shape.
const schema = getSchema([StarterKit]);

function html(...content: JSONContent[]): string {
	return notesToHtml(notesOf(prosemirrorJSONToYDoc(schema, { type: 'doc', content }, NOTES_FIELD)));
}

const text = (value: string, ...marks: JSONContent['marks'] & object) => ({ type: 'text', text: value, ...(marks.length ? { marks } : {}) });
const paragraph = (...content: JSONContent[]) => ({ type: 'paragraph', content });

describe('saved notes as HTML', () => {
	it('renders each kind of block the editor has, as StarterKit renders it', () => {
		expect(
			html(
				{ type: 'heading', attrs: { level: 2 }, content: [text('Next steps')] },
				paragraph(text('Grandma Rosa drives on Tuesdays.')),
				{ type: 'bulletList', content: [{ type: 'listItem', content: [paragraph(text('School bag'))] }] },
				{ type: 'orderedList', attrs: { start: 3 }, content: [{ type: 'listItem', content: [paragraph(text('Call the school'))] }] },
				{ type: 'blockquote', content: [paragraph(text('We want the kids home.'))] },
				{ type: 'codeBlock', attrs: { language: 'text' }, content: [text('a < b')] },
				{ type: 'horizontalRule' }
			)
		).toBe(
			'<h2>Next steps</h2>' +
				'<p>Grandma Rosa drives on Tuesdays.</p>' +
				'<ul><li><p>School bag</p></li></ul>' +
				'<ol start="3"><li><p>Call the school</p></li></ol>' +
				'<blockquote><p>We want the kids home.</p></blockquote>' +
				'<pre><code class="language-text">a &lt; b</code></pre>' +
				'<hr>'
		);
	});

	it('renders marks, nested in the order ProseMirror nests them', () => {
		expect(html(paragraph(text('bold', { type: 'bold' }), text(' and '), text('both', { type: 'italic' }, { type: 'bold' }), text(' '), text('x', { type: 'strike' }, { type: 'underline' }, { type: 'code' })))).toBe(
			'<p><strong>bold</strong> and <strong><em>both</em></strong> <code><s><u>x</u></s></code></p>'
		);
	});

	it('keeps line breaks, and gives an empty line (or one ending in a break) a <br> to hold its height, as the editor does', () => {
		expect(html(paragraph(text('one'), { type: 'hardBreak' }, text('two')), paragraph(), paragraph(text('end'), { type: 'hardBreak' }))).toBe('<p>one<br>two</p><p><br></p><p>end<br><br></p>');
	});

	it('escapes hostile text: a <script> typed in the notes stays text', () => {
		const out = html(paragraph(text('<script>alert("hi")</script> & <img src=x onerror=alert(1)>')));
		expect(out).toBe('<p>&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</p>');
		expect(out).not.toContain('<script');
		expect(out).not.toContain('<img');
	});

	it('escapes quotes in attributes, and keeps only web, mail and phone links', () => {
		const link = (href: string) => html(paragraph(text('site', { type: 'link', attrs: { href } })));
		expect(link('https://example.org/?a="><script>x</script>')).toBe(
			'<p><a href="https://example.org/?a=&quot;&gt;&lt;script&gt;x&lt;/script&gt;" rel="noopener noreferrer nofollow">site</a></p>'
		);
		expect(link('mailto:rosa@example.org')).toContain('href="mailto:rosa@example.org"');
		for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', '//evil.example']) expect(link(bad), bad).toBe('<p>site</p>');
		expect(safeHref(42)).toBeNull();
	});

	it('leaves out elements and attributes that are not on the allowlist, written straight into the Y.Doc', () => {
		const doc = new Y.Doc();
		const notes = notesOf(doc);
		const script = new Y.XmlElement('script');
		script.insert(0, [new Y.XmlText('alert(1)')]);
		const heading = new Y.XmlElement('heading');
		heading.setAttribute('level', '"><script>' as unknown as string);
		heading.setAttribute('onclick', 'alert(1)');
		heading.insert(0, [new Y.XmlText('Title')]);
		const list = new Y.XmlElement('orderedList');
		list.setAttribute('start', '1" onmouseover="x' as unknown as string);
		const block = new Y.XmlElement('codeBlock');
		block.setAttribute('language', 'x" onload="y');
		const para = new Y.XmlElement('paragraph');
		const hostile = new Y.XmlText();
		hostile.insert(0, 'text', { onclick: { x: 1 }, 'bold--"><b>zz': {} });
		para.insert(0, [hostile]);
		notes.insert(0, [script, heading, list, block, para]);
		expect(notesToHtml(notes)).toBe('<h1>Title</h1><ol></ol><pre><code><br></code></pre><p>text</p>');
	});

	it('escapes the five characters HTML gives meaning to', () => {
		expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
	});
});

describe('what no editor makes', () => {
	it('renders 3,000 nested blockquotes without failing: blocks deeper than the limit are left out (issue 16)', () => {
		const doc = new Y.Doc();
		const notes = doc.getXmlFragment('notes');
		nestBlockquotes(notes, 3000, 'too deep to show');
		const after = new Y.XmlElement('paragraph');
		notes.insert(1, [after]);
		after.insert(0, [new Y.XmlText('still shown')]);
		const html = notesToHtml(notes);
		expect(html).toContain('still shown');
		expect(html).not.toContain('too deep to show');
		expect(html.match(/<blockquote>/g)?.length).toBe(64);
	});
});

describe('the notes as plain text (a copy kept in a record)', () => {
	const text = (...content: JSONContent[]) => notesToText(notesOf(prosemirrorJSONToYDoc(schema, { type: 'doc', content }, NOTES_FIELD)));
	it('gives a line per paragraph, heading and list item, without formatting', () => {
		expect(
			text(
				{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Our plan' }] },
				{ type: 'paragraph', content: [{ type: 'text', text: 'Grandma takes the kids ' }, { type: 'text', text: 'after school', marks: [{ type: 'bold' }] }] },
				{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Dad calls every night' }] }] }] },
				{ type: 'paragraph' }
			)
		).toBe('Our plan\nGrandma takes the kids after school\n• Dad calls every night');
	});
	it('keeps a hostile-looking text as text, and cuts a very long one', () => {
		expect(text({ type: 'paragraph', content: [{ type: 'text', text: '<script>x</script>' }] })).toBe('<script>x</script>');
		expect(text({ type: 'paragraph', content: [{ type: 'text', text: 'a'.repeat(NOTES_TEXT_MAX + 50) }] })).toHaveLength(NOTES_TEXT_MAX);
	});
});

describe('a case plan’s text as HTML (saved versions)', () => {
	const plan = (): Y.XmlFragment => {
		const doc = new Y.Doc();
		const body = doc.getXmlFragment('plan');
		const heading = new Y.XmlElement('planSection');
		heading.setAttribute('section', 'VISION');
		const unknown = new Y.XmlElement('planSection');
		unknown.setAttribute('section', 'NOT_A_SECTION');
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText('Safe at home')]);
		body.insert(0, [heading, p, unknown]);
		return body;
	};

	it('words each section heading in the reader’s language, escaped, and leaves out a code with no words', () => {
		const html = notesToHtml(plan(), (code) => (code === 'VISION' ? { title: 'Nuestra esperanza <para> un futuro', hint: 'En sus palabras' } : null));
		expect(html).toBe('<div class="plan-section" data-plan-section="VISION"><h2>Nuestra esperanza &lt;para&gt; un futuro</h2><p>En sus palabras</p></div><p>Safe at home</p>');
	});

	it('leaves section headings out where no words are given (the meeting’s notes)', () => {
		expect(notesToHtml(plan())).toBe('<p>Safe at home</p>');
	});
});
