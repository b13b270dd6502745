// Member CSV import: sets up a department's people, roles and reporting lines in one go.
// A row whose (platform, platform_user_id) is already known updates that member; a blank name,
// role or supervisor cell then keeps the current value ("-" in supervisor clears it). New
// members need a name and default to SPECIALIST. As for customers: every row is checked first
// (including supervisor cycles over the resulting tree and "no admin left"), and a file with
// any bad row writes nothing.
import { randomUUID } from "node:crypto";
import type { Platform, Prisma, Role } from "@prisma/client";
import { z } from "zod";
import { toAuditJson } from "../audit/audit.js";
import { isUniqueViolation } from "../customers/customers.js";
import { inTransaction, type CoreDeps } from "../shared/context.js";
import { ConflictError, ForbiddenError } from "../shared/errors.js";
import { loadTenant } from "../tenants/tenants.js";
import { auditIdentity, isSystemActor, type ImportActor } from "./actor.js";
import { readImportRows, sortProblems, type ColumnSpec, type ImportFailure, type ImportProblem, isUnreadable } from "./csv.js";
import { issuesToProblems, platformCell, requiredTextCell, roleCell, textCell } from "./fields.js";

export const MEMBER_CSV: ColumnSpec = {
  columns: ["platform", "platform_user_id", "name", "role", "supervisor"],
  required: ["platform_user_id"],
  aliases: {
    platform: ["平台"],
    platform_user_id: ["user_id", "用户id", "平台用户id"],
    name: ["display_name", "姓名", "名称"],
    role: ["角色"],
    supervisor: ["上级"],
  },
};

const CLEAR = new Set(["-", "none", "无"]);

const memberRowSchema = z.object({
  platform: platformCell,
  platform_user_id: requiredTextCell(100),
  name: textCell(100),
  role: roleCell,
  supervisor: textCell(100),
});

export interface MemberImportSuccess {
  ok: true;
  importId: string;
  created: number;
  updated: number;
  unchanged: number;
}

interface PlannedMember {
  line: number;
  memberId: string;
  isNew: boolean;
  platform: Platform;
  platformUserId: string;
  name: string | null;
  role: Role | null;
  /** undefined: keep; null: clear; string: the supervisor cell to resolve. */
  supervisorText: string | null | undefined;
}

interface MemberState {
  displayName: string;
  role: Role;
  supervisorId: string | null;
  active: boolean;
}

export async function importMembersCsv(
  deps: CoreDeps,
  actor: ImportActor,
  csvText: string,
): Promise<MemberImportSuccess | ImportFailure> {
  if (!isSystemActor(actor) && actor.role !== "ADMIN") throw new ForbiddenError("auth.admin_only");
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const file = readImportRows(csvText, MEMBER_CSV);
  if (!file.ok) return file;

  const [members, identities] = await Promise.all([
    deps.db.member.findMany({
      where: { tenantId: actor.tenantId },
      select: { id: true, displayName: true, role: true, supervisorId: true, active: true },
    }),
    deps.db.memberIdentity.findMany({
      where: { tenantId: actor.tenantId },
      select: { memberId: true, platform: true, platformUserId: true },
    }),
  ]);
  const current = new Map<string, MemberState>(members.map((m) => [m.id, m]));
  const identityKey = (platform: Platform, userId: string) => `${platform}:${userId}`;
  const known = new Map(identities.map((i) => [identityKey(i.platform, i.platformUserId), i.memberId]));
  const knownByUserId = new Map<string, Set<string>>();
  for (const i of identities) knownByUserId.set(i.platformUserId, (knownByUserId.get(i.platformUserId) ?? new Set()).add(i.memberId));

  const problems: ImportProblem[] = [];
  const planned: PlannedMember[] = [];
  const inFile = new Map<string, PlannedMember>();

  for (const row of file.records) {
    if (isUnreadable(row)) {
      problems.push(...row.problems);
      continue;
    }
    const rowProblems = [...row.problems];
    const parsed = memberRowSchema.safeParse(row.record);
    if (!parsed.success) {
      problems.push(...rowProblems, ...issuesToProblems(row.line, parsed.error));
      continue;
    }
    const r = parsed.data;
    const platform = r.platform ?? tenant.platform;
    const key = identityKey(platform, r.platform_user_id);
    const first = inFile.get(key);
    if (first) {
      rowProblems.push({
        line: row.line,
        field: "platform_user_id",
        code: "import.duplicate_in_file",
        params: { name: r.platform_user_id, first: first.line },
      });
    }
    const existingId = known.get(key);
    if (existingId === undefined && r.name === null) {
      rowProblems.push({ line: row.line, field: "name", code: "import.required", params: { field: "name" } });
    }
    if (rowProblems.length > 0) {
      problems.push(...rowProblems);
      continue;
    }
    const plan: PlannedMember = {
      line: row.line,
      memberId: existingId ?? randomUUID(),
      isNew: existingId === undefined,
      platform,
      platformUserId: r.platform_user_id,
      name: r.name,
      role: r.role,
      supervisorText: r.supervisor === null ? undefined : CLEAR.has(r.supervisor.toLowerCase()) ? null : r.supervisor,
    };
    inFile.set(key, plan);
    planned.push(plan);
  }

  // The tree as it would be after the import, to check supervisors and admins against.
  const next = new Map<string, MemberState>(current);
  for (const p of planned) {
    const before = current.get(p.memberId);
    next.set(p.memberId, {
      displayName: p.name ?? before?.displayName ?? p.platformUserId,
      role: p.role ?? before?.role ?? "SPECIALIST",
      supervisorId: before?.supervisorId ?? null,
      active: before?.active ?? true,
    });
  }
  for (const p of planned) {
    if (p.supervisorText === undefined) continue;
    const state = next.get(p.memberId)!;
    if (p.supervisorText === null) {
      state.supervisorId = null;
      continue;
    }
    const sameUserInFile = inFile.get(identityKey(p.platform, p.supervisorText));
    const samePlatform = known.get(identityKey(p.platform, p.supervisorText));
    const anyPlatform = knownByUserId.get(p.supervisorText);
    const supervisorId =
      sameUserInFile?.memberId ?? samePlatform ?? (anyPlatform && anyPlatform.size === 1 ? [...anyPlatform][0] : undefined);
    if (supervisorId === undefined) {
      problems.push({ line: p.line, field: "supervisor", code: "import.unknown_supervisor", params: { value: p.supervisorText } });
    } else if (supervisorId === p.memberId) {
      problems.push({ line: p.line, field: "supervisor", code: "import.supervisor_cycle", params: { value: p.supervisorText } });
    } else {
      state.supervisorId = supervisorId;
    }
  }
  for (const p of planned) {
    if (problems.some((x) => x.line === p.line && x.field === "supervisor")) continue;
    const seen = new Set<string>([p.memberId]);
    let at = next.get(p.memberId)!.supervisorId;
    while (at !== null && !seen.has(at)) {
      seen.add(at);
      at = next.get(at)?.supervisorId ?? null;
    }
    if (at === p.memberId) {
      problems.push({ line: p.line, field: "supervisor", code: "import.supervisor_cycle", params: { value: p.supervisorText ?? "" } });
    }
  }
  const admins = (states: Map<string, MemberState>) => [...states.values()].filter((m) => m.active && m.role === "ADMIN").length;
  if (admins(current) > 0 && admins(next) === 0) {
    for (const p of planned) {
      if (current.get(p.memberId)?.role === "ADMIN") {
        problems.push({ line: p.line, field: "role", code: "import.last_admin", params: {} });
      }
    }
  }
  if (problems.length > 0) return { ok: false, rows: file.records.length, problems: sortProblems(problems) };

  return writeMembers(deps, actor, planned, current, next);
}

async function writeMembers(
  deps: CoreDeps,
  actor: ImportActor,
  planned: PlannedMember[],
  current: Map<string, MemberState>,
  next: Map<string, MemberState>,
): Promise<MemberImportSuccess> {
  const tenantId = actor.tenantId;
  const who = auditIdentity(actor);
  const importId = randomUUID();
  const created = planned.filter((p) => p.isNew);
  const changed = planned.filter((p) => {
    if (p.isNew) return false;
    const a = current.get(p.memberId)!;
    const b = next.get(p.memberId)!;
    return a.displayName !== b.displayName || a.role !== b.role || a.supervisorId !== b.supervisorId;
  });
  // Supervisors are set after every member exists, so a row may name a supervisor further down.
  const toUpdate = [...created.filter((p) => next.get(p.memberId)!.supervisorId !== null), ...changed];

  try {
    await inTransaction(deps, async (tx) => {
      if (created.length > 0) {
        await tx.member.createMany({
          data: created.map((p) => ({
            id: p.memberId,
            tenantId,
            displayName: next.get(p.memberId)!.displayName,
            role: next.get(p.memberId)!.role,
          })),
        });
        await tx.memberIdentity.createMany({
          data: created.map((p) => ({ tenantId, memberId: p.memberId, platform: p.platform, platformUserId: p.platformUserId })),
        });
      }
      if (toUpdate.length > 0) {
        const states = toUpdate.map((p) => next.get(p.memberId)!);
        await tx.$executeRaw`
          UPDATE "Member" AS m
          SET "displayName" = v.name, "role" = v.role::"Role", "supervisorId" = v.sup, "updatedAt" = now()
          FROM unnest(
            ${toUpdate.map((p) => p.memberId)}::text[],
            ${states.map((s) => s.displayName)}::text[],
            ${states.map((s) => s.role)}::text[],
            ${states.map((s) => s.supervisorId)}::text[]
          ) AS v(id, name, role, sup)
          WHERE m.id = v.id AND m."tenantId" = ${tenantId}`;
      }
      const audit: Prisma.AuditLogCreateManyInput[] = [
        ...created.map((p) => {
          const s = next.get(p.memberId)!;
          return {
            tenantId,
            ...who,
            action: "member.imported",
            entityType: "Member",
            entityId: p.memberId,
            after: toAuditJson({ importId, line: p.line, displayName: s.displayName, role: s.role, supervisorId: s.supervisorId, platform: p.platform, platformUserId: p.platformUserId })!,
          };
        }),
        ...changed.map((p) => {
          const a = current.get(p.memberId)!;
          const b = next.get(p.memberId)!;
          return {
            tenantId,
            ...who,
            action: "member.updated_by_import",
            entityType: "Member",
            entityId: p.memberId,
            before: toAuditJson({ displayName: a.displayName, role: a.role, supervisorId: a.supervisorId })!,
            after: toAuditJson({ importId, line: p.line, displayName: b.displayName, role: b.role, supervisorId: b.supervisorId })!,
          };
        }),
        {
          tenantId,
          ...who,
          action: "import.members",
          entityType: "Import",
          entityId: importId,
          after: toAuditJson({ created: created.length, updated: changed.length, unchanged: planned.length - created.length - changed.length })!,
        },
      ];
      await tx.auditLog.createMany({ data: audit });
    });
  } catch (err) {
    // A user wrote to the bot for the first time while the file was imported, registering one of its ids.
    if (isUniqueViolation(err)) throw new ConflictError("import.concurrent_change");
    throw err;
  }
  return {
    ok: true,
    importId,
    created: created.length,
    updated: changed.length,
    unchanged: planned.length - created.length - changed.length,
  };
}
