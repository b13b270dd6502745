// Receivables import (应收账款): invoices per customer from finance's spreadsheet. A row whose
// invoice number is already known updates it (amount, due date, paid so far), so the file can
// be re-imported every day. Every row is checked first; a file with any bad row writes nothing.
// After the import, customers over their credit limit and invoices past due are alerted once
// (credit/alerts.ts).
import { z } from "zod";
import { recordAudit } from "../audit/audit.js";
import { raiseCreditAlerts, type CreditAlertCount } from "../credit/alerts.js";
import { normalizeName } from "../customers/rules.js";
import { inTransaction, type CoreDeps } from "../shared/context.js";
import { localDateOf, toDateColumn } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { auditIdentity, type ImportActor, isSystemActor } from "./actor.js";
import { readImportRows, sortProblems, type ColumnSpec, type ImportFailure, type ImportProblem } from "./csv.js";
import { amountCell, dateCell, issuesToProblems, requiredTextCell } from "./fields.js";
import { requireRoleAtLeast } from "../members/authorization.js";

export const RECEIVABLE_CSV: ColumnSpec = {
  columns: ["customer", "invoice", "amount", "due_date", "paid"],
  required: ["customer", "invoice", "amount", "due_date"],
  aliases: {
    customer: ["客户", "客户名称"],
    invoice: ["invoice_no", "invoice_number", "发票号", "发票", "单号"],
    amount: ["金额", "应收金额"],
    due_date: ["due", "到期日", "到期日期"],
    paid: ["paid_amount", "已付", "已付金额", "已收金额"],
  },
};

const receivableRowSchema = z.object({
  customer: requiredTextCell(200),
  invoice: requiredTextCell(100),
  amount: amountCell,
  due_date: dateCell,
  paid: amountCell,
});

export interface ReceivableImportSuccess {
  ok: true;
  created: number;
  updated: number;
  customers: number;
  alerts: CreditAlertCount;
}

export async function importReceivablesCsv(
  deps: CoreDeps,
  actor: ImportActor,
  csvText: string,
): Promise<ReceivableImportSuccess | ImportFailure> {
  if (!isSystemActor(actor)) requireRoleAtLeast(actor, "MANAGER");
  const now = deps.clock.now();
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const file = readImportRows(csvText, RECEIVABLE_CSV);
  if (!file.ok) return file;

  const keys = [...new Set(file.records.map((r) => normalizeName(r.record.customer ?? "")).filter((k) => k !== ""))];
  const customers = await deps.db.customer.findMany({ where: { tenantId: actor.tenantId, nameKey: { in: keys } }, select: { id: true, nameKey: true } });
  const customerByKey = new Map(customers.map((c) => [c.nameKey, c.id]));

  const problems: ImportProblem[] = [];
  const firstLine = new Map<string, number>();
  const rows: Array<{ customerId: string; invoiceNo: string; amountFen: bigint; paidFen: bigint; dueDate: string }> = [];
  for (const row of file.records) {
    const rowProblems = [...row.problems];
    const parsed = receivableRowSchema.safeParse(row.record);
    if (!parsed.success) {
      problems.push(...rowProblems, ...issuesToProblems(row.line, parsed.error));
      continue;
    }
    const r = parsed.data;
    const customerId = customerByKey.get(normalizeName(r.customer));
    if (!customerId) rowProblems.push({ line: row.line, field: "customer", code: "import.unknown_customer", params: { field: "customer", value: r.customer } });
    if (r.amount === null) rowProblems.push({ line: row.line, field: "amount", code: "import.required", params: { field: "amount" } });
    if (r.due_date === null) rowProblems.push({ line: row.line, field: "due_date", code: "import.required", params: { field: "due_date" } });
    const first = firstLine.get(r.invoice);
    if (first !== undefined) {
      rowProblems.push({ line: row.line, field: "invoice", code: "import.duplicate_in_file", params: { name: r.invoice, first } });
    } else {
      firstLine.set(r.invoice, row.line);
    }
    if (rowProblems.length > 0 || !customerId || r.amount === null || r.due_date === null) {
      problems.push(...rowProblems);
      continue;
    }
    rows.push({ customerId, invoiceNo: r.invoice, amountFen: r.amount, paidFen: r.paid ?? 0n, dueDate: r.due_date });
  }
  if (problems.length > 0) return { ok: false, rows: file.records.length, problems: sortProblems(problems) };

  return inTransaction(deps, async (tx) => {
    const existing = await tx.receivable.findMany({
      where: { tenantId: actor.tenantId, invoiceNo: { in: rows.map((r) => r.invoiceNo) } },
      select: { invoiceNo: true },
    });
    const known = new Set(existing.map((e) => e.invoiceNo));
    for (const r of rows) {
      const data = { customerId: r.customerId, amountFen: r.amountFen, paidFen: r.paidFen, dueDate: toDateColumn(r.dueDate) };
      await tx.receivable.upsert({
        where: { tenantId_invoiceNo: { tenantId: actor.tenantId, invoiceNo: r.invoiceNo } },
        create: { tenantId: actor.tenantId, invoiceNo: r.invoiceNo, ...data },
        update: data,
      });
    }
    const created = rows.filter((r) => !known.has(r.invoiceNo)).length;
    const customerIds = [...new Set(rows.map((r) => r.customerId))];
    const who = auditIdentity(actor);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: who.actorId,
      platform: who.platform,
      action: "receivables.imported",
      entityType: "Tenant",
      entityId: actor.tenantId,
      after: { created, updated: rows.length - created, customers: customerIds.length, invoices: rows.map((r) => r.invoiceNo) },
    });
    const alerts = await raiseCreditAlerts(tx, tenant, customerIds, localDateOf(now, tenant.timeZone), now);
    return { ok: true as const, created, updated: rows.length - created, customers: customerIds.length, alerts };
  });
}
