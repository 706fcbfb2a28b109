import { z } from 'zod';

// Shared documents are named by kind and an opaque id (never by anything guessable):
// `meeting:<meetingId>` for a meeting's agenda, board and notes; `plan:<caseId>` for the case plan.
// `session:<meetingSessionId>` for a separate part of a meeting (its own notes, so access is per document).
export const DOC_KINDS = ['meeting', 'session', 'plan'] as const;
export type DocKind = (typeof DOC_KINDS)[number];
export type DocRef = { kind: DocKind; id: string };

/** Our ids are lower-case base32 (see ids.ts); anything else is refused before a database lookup. */
export const opaqueId = z.string().regex(/^[a-z2-7]{16,40}$/);

export const docIdSchema = z
	.string()
	.max(64)
	.transform((value, ctx): DocRef => {
		const colon = value.indexOf(':');
		const kind = value.slice(0, colon);
		const id = value.slice(colon + 1);
		if (colon < 0 || !(DOC_KINDS as readonly string[]).includes(kind) || !opaqueId.safeParse(id).success) {
			ctx.addIssue({ code: 'custom', message: 'not a document id' });
			return z.NEVER;
		}
		return { kind: kind as DocKind, id };
	});

export function docName(ref: DocRef): string {
	return `${ref.kind}:${ref.id}`;
}
