import type * as Y from 'yjs';

/** What the meeting page gives a part of the meeting's shared document that people add to (the board, the safety scale). */
export type MeetingPartProps = {
	/** The meeting's document, once its connection is open. */
	doc: Y.Doc | null;
	/** This person may change it (the server refuses a change from anyone who may not). */
	canEdit: boolean;
	/** Who this person is in the document (`u:<userId>` or `p:<personId>`): the author of what they add. */
	owner: string;
	/**
	 * Names this reader may see, by `u:`/`p:` id: staff see everyone's; a family member only staff's (the
	 * meeting service's authorNames), so family members see what other family members added, not who.
	 */
	authorNames: Record<string, string>;
};
