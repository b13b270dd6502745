// The escalation ladder as data: the members a batch of escalations can reach (everyone up the
// affected assignees' chains, and the MANAGERs) loaded once, then climbed in memory, so a sweep of
// hundreds of complaints costs one ladder query instead of two per step. Pure functions; the
// query lives in escalation.ts.
import { nextAssignee, type LadderCandidate } from "./rules.js";

/** How far up a supervisor chain is followed: a cycle in the data must not loop forever. */
export const MAX_CHAIN_DEPTH = 50;

export interface LadderMember {
  id: string;
  supervisorId: string | null;
  active: boolean;
  manager: boolean;
}

export interface Ladder {
  /** The member's supervisors, nearest first. */
  chain: LadderCandidate[];
  /** The tenant's MANAGERs, oldest first (a stable choice when the chain runs out). */
  managers: LadderCandidate[];
}

export interface LadderBook {
  members: ReadonlyMap<string, LadderMember>;
  managers: readonly LadderCandidate[];
}

/** `members` must come oldest first, so the managers keep their stable order. */
export function ladderBook(members: readonly LadderMember[]): LadderBook {
  return {
    members: new Map(members.map((m) => [m.id, m])),
    managers: members.filter((m) => m.manager).map((m) => ({ id: m.id, active: m.active })),
  };
}

/** The member's ladder: a member unknown to the book has no chain, only the managers. */
export function ladderOf(book: LadderBook, memberId: string): Ladder {
  const chain: LadderCandidate[] = [];
  let current = book.members.get(memberId);
  while (current?.supervisorId && chain.length < MAX_CHAIN_DEPTH) {
    const above = book.members.get(current.supervisorId);
    if (!above) break;
    chain.push({ id: above.id, active: above.active });
    current = above;
  }
  return { chain, managers: [...book.managers] };
}

/** Who sits one rung above `memberId` (see nextAssignee). */
export function rungAboveIn(book: LadderBook, memberId: string): string {
  const { chain, managers } = ladderOf(book, memberId);
  return nextAssignee(memberId, chain, managers);
}

/**
 * Walks `steps` up the ladder from `assigneeId`: each escalating step hands the complaint one
 * rung up, a step at the top level keeps the holder; every step says who had it and who has it.
 */
export function climb<S extends { escalates: boolean }>(
  book: LadderBook,
  assigneeId: string,
  steps: readonly S[],
): Array<S & { previousAssigneeId: string; assigneeId: string }> {
  let holder = assigneeId;
  return steps.map((step) => {
    const previousAssigneeId = holder;
    if (step.escalates) holder = rungAboveIn(book, holder);
    return { ...step, previousAssigneeId, assigneeId: holder };
  });
}
