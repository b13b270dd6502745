// Sales data: purchase orders from the sales system as CSV (customer, date, amount, order
// number), upserted by order number so the same export can be imported again every month. Same
// rules as the customer import (csv.ts): every row is checked first, and if any is bad nothing
// is written and every bad row is listed with its spreadsheet line. A good file is written in one
// transaction with set-based upserts and one audit row for the import.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { normalizeName } from "../customers/rules.js";
import { fenToDecimalString } from "../shared/money.js";
import { inTransaction, type CoreDeps } from "../shared/context.js";
import { fromDateColumn, localDateOf } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { auditIdentity, type ImportActor } from "./actor.js";
import { csvLine, readImportRows, sortProblems, UTF8_BOM, type ColumnSpec, type ImportFailure, type ImportProblem } from "./csv.js";
import { amountCell, dateCell, issuesToProblems, requiredTextCell } from "./fields.js";

export const ORDER_CSV: ColumnSpec = {
  columns: ["customer", "date", "amount", "order_number"],
  required: ["customer", "date", "amount", "order_number"],
  aliases: {
    customer: ["客户", "客户名称", "name"],
    date: ["日期", "订单日期", "下单日期", "ordered_on"],
    amount: ["金额", "订单金额", "销售额"],
    order_number: ["订单号", "单号", "订单编号", "order_no", "reference"],
  },
};

const orderRowSchema = z.object({
  customer: requiredTextCell(200),
  date: dateCell.refine((v) => v !== null, { message: "import.required" }),
  amount: amountCell.refine((v) => v !== null, { message: "import.required" }),
  order_number: requiredTextCell(100),
});

export interface OrdersImportSuccess {
  ok: true;
  importId: string;
  created: number;
  updated: number;
  unchanged: number;
}

export type OrdersImportResult = OrdersImportSuccess | ImportFailure;

/** Rows per upsert statement: bounds the size of one statement's arrays. */
const CHUNK = 5000;

interface GoodRow {
  customerId: string;
  orderedOn: string;
  amountFen: bigint;
  reference: string;
}

export async function importOrdersCsv(deps: CoreDeps, actor: ImportActor, text: string): Promise<OrdersImportResult> {
  const read = readImportRows(text, ORDER_CSV);
  if (!read.ok) return read;
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const today = localDateOf(deps.clock.now(), tenant.timeZone);
  const customers = await deps.db.customer.findMany({ where: { tenantId: tenant.id }, select: { id: true, nameKey: true } });
  const byKey = new Map(customers.map((c) => [c.nameKey, c.id]));

  const problems: ImportProblem[] = [];
  const good: GoodRow[] = [];
  const seen = new Map<string, number>();
  for (const row of read.records) {
    problems.push(...row.problems);
    const parsed = orderRowSchema.safeParse(row.record);
    if (!parsed.success) {
      problems.push(...issuesToProblems(row.line, parsed.error));
      continue;
    }
    const r = parsed.data;
    const customerId = byKey.get(normalizeName(r.customer));
    if (!customerId) problems.push({ line: row.line, field: "customer", code: "import.unknown_customer", params: { field: "customer", value: r.customer } });
    if (r.date! > today) problems.push({ line: row.line, field: "date", code: "import.order_in_future", params: { value: r.date!, today } });
    const earlier = seen.get(r.order_number);
    if (earlier !== undefined) {
      problems.push({ line: row.line, field: "order_number", code: "import.duplicate_order", params: { value: r.order_number, line: earlier } });
    } else {
      seen.set(r.order_number, row.line);
    }
    if (customerId) good.push({ customerId, orderedOn: r.date!, amountFen: r.amount!, reference: r.order_number });
  }
  if (problems.length > 0) return { ok: false, rows: read.records.length, problems: sortProblems(problems) };

  const importId = randomUUID();
  const who = auditIdentity(actor);
  return inTransaction(deps, async (tx) => {
    let created = 0;
    let updated = 0;
    for (let i = 0; i < good.length; i += CHUNK) {
      const part = good.slice(i, i + CHUNK);
      // xmax = 0 tells a freshly inserted row from one the ON CONFLICT branch updated; an
      // unchanged row is not touched at all (the WHERE of DO UPDATE), so it is in neither count.
      const rows = await tx.$queryRaw<Array<{ inserted: boolean }>>`
        INSERT INTO "PurchaseOrder" (id, "tenantId", "customerId", "orderedOn", "amountFen", reference)
        SELECT gen_random_uuid()::text, ${tenant.id}, u.customer_id, u.ordered_on::date, u.amount, u.reference
        FROM unnest(${part.map((r) => r.customerId)}::text[], ${part.map((r) => r.orderedOn)}::text[],
                    ${part.map((r) => r.amountFen.toString())}::bigint[], ${part.map((r) => r.reference)}::text[])
          AS u(customer_id, ordered_on, amount, reference)
        ON CONFLICT ("tenantId", reference) DO UPDATE
          SET "customerId" = EXCLUDED."customerId", "orderedOn" = EXCLUDED."orderedOn", "amountFen" = EXCLUDED."amountFen"
          WHERE ("PurchaseOrder"."customerId", "PurchaseOrder"."orderedOn", "PurchaseOrder"."amountFen")
            IS DISTINCT FROM (EXCLUDED."customerId", EXCLUDED."orderedOn", EXCLUDED."amountFen")
        RETURNING (xmax = 0) AS inserted`;
      for (const r of rows) {
        if (r.inserted) created += 1;
        else updated += 1;
      }
    }
    const unchanged = good.length - created - updated;
    await tx.auditLog.create({
      data: {
        tenantId: tenant.id,
        actorId: who.actorId,
        platform: who.platform,
        action: "purchase_orders.imported",
        entityType: "PurchaseOrderImport",
        entityId: importId,
        after: { rows: good.length, created, updated, unchanged },
      },
    });
    return { ok: true, importId, created, updated, unchanged };
  });
}

const PAGE = 5000;

/** Every order of the tenant as CSV in the import's columns (paged by id), so it re-imports as is. */
export async function* exportOrdersCsv(deps: CoreDeps, actor: ImportActor): AsyncGenerator<string> {
  const tenantId = actor.tenantId;
  const names = new Map(
    (await deps.db.customer.findMany({ where: { tenantId }, select: { id: true, name: true } })).map((c) => [c.id, c.name]),
  );
  yield UTF8_BOM + csvLine(ORDER_CSV.columns);
  let cursor: string | undefined;
  for (;;) {
    const page = await deps.db.purchaseOrder.findMany({
      where: { tenantId },
      orderBy: [{ id: "asc" }],
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (page.length === 0) return;
    yield page
      .map((o) => csvLine([names.get(o.customerId) ?? "", fromDateColumn(o.orderedOn), fenToDecimalString(o.amountFen), o.reference ?? ""]))
      .join("");
    if (page.length < PAGE) return;
    cursor = page[page.length - 1]!.id;
  }
}
