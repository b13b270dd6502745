// Who runs an import: a member (through a future command) or the system (the CLI, run by the
// operator on the server, where no platform identity exists).
import type { Platform } from "@prisma/client";
import type { Actor } from "../shared/context.js";

/** The CLI imports as the system: no role checks, audit rows without an actor. */
export interface SystemActor {
  kind: "system";
  tenantId: string;
}

export type ImportActor = Actor | SystemActor;

export function systemActor(tenantId: string): SystemActor {
  return { kind: "system", tenantId };
}

export function isSystemActor(actor: ImportActor): actor is SystemActor {
  return "kind" in actor && actor.kind === "system";
}

export function auditIdentity(actor: ImportActor): { actorId: string | null; platform: Platform | null } {
  return isSystemActor(actor) ? { actorId: null, platform: null } : { actorId: actor.memberId, platform: actor.platform };
}

