import { eq } from 'drizzle-orm';
import { cases, meetings } from '../db/schema.ts';
import { opaqueId, docName } from '../../domain/doc-id.ts';
import { can } from '../../domain/policy.ts';
import { authorize, refuseUnknown, type RequestContext, type Result } from './access.ts';

export type MeetingView = {
	id: string;
	caseId: string;
	caseName: string;
	kind: (typeof meetings.$inferSelect)['kind'];
	meetingType: (typeof meetings.$inferSelect)['meetingType'];
	startsAt: number;
	durationMinutes: number;
	timeZone: string;
	location: string | null;
	status: (typeof meetings.$inferSelect)['status'];
	/** The shared document of this meeting, and whether this person may change it. */
	notesDoc: { id: string; canEdit: boolean };
};

export function getMeeting(ctx: RequestContext, meetingId: string): Result<MeetingView> {
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.view');
	const row = ctx.db
		.select({ meeting: meetings, caseName: cases.name })
		.from(meetings)
		.innerJoin(cases, eq(cases.id, meetings.caseId))
		.where(eq(meetings.id, meetingId))
		.get();
	if (!row) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.view');
	const m = row.meeting;
	const refused = authorize(ctx, 'view', { type: 'meeting', caseId: m.caseId, meetingId }, 'meeting.view');
	if (refused) return refused;
	return {
		ok: true,
		value: {
			id: m.id,
			caseId: m.caseId,
			caseName: row.caseName,
			kind: m.kind,
			meetingType: m.meetingType,
			startsAt: m.startsAt,
			durationMinutes: m.durationMinutes,
			timeZone: m.timeZone,
			location: m.location,
			status: m.status,
			notesDoc: {
				id: docName({ kind: 'meeting', id: m.id }),
				canEdit: can(ctx.actor, 'edit', { type: 'document', caseId: m.caseId, docKind: 'meeting' })
			}
		}
	};
}
