// The KPI report as an Excel workbook (`report … --xlsx` in the CLI): one row per member, team
// ("others" included) and the department, the format a department head forwards. Column titles
// in the reader's language; money in yuan, rates as Excel percentages.
import ExcelJS from "exceljs";
import type { KpiReport, KpiRow } from "../../core/kpi/kpi.js";
import { t } from "../i18n/index.js";
import type { Locale } from "../i18n/catalog/types.js";

type Cell = string | number | null;

const yuan = (fen: bigint): number => Number(fen) / 100;

const COLUMNS: Array<{ key: string; width: number; percent?: boolean; value: (r: KpiRow) => Cell }> = [
  { key: "customers", width: 10, value: (r) => r.metrics.customers },
  { key: "sales", width: 14, value: (r) => yuan(r.metrics.sales.salesFen) },
  { key: "sales_previous", width: 14, value: (r) => yuan(r.metrics.sales.previousFen) },
  { key: "growth", width: 10, percent: true, value: (r) => r.metrics.sales.growth },
  { key: "retention", width: 10, percent: true, value: (r) => r.metrics.sales.retention },
  { key: "callbacks_due", width: 10, value: (r) => r.metrics.callbacks.due },
  { key: "callbacks_done", width: 10, value: (r) => r.metrics.callbacks.done },
  { key: "completion", width: 10, percent: true, value: (r) => r.metrics.callbacks.completionRate },
  { key: "on_time", width: 10, percent: true, value: (r) => r.metrics.callbacks.onTimeRate },
  { key: "postponed_overdue", width: 10, value: (r) => r.metrics.callbacks.postponedOverdue },
  { key: "reached", width: 10, value: (r) => r.metrics.callbacks.outcomes.reached },
  { key: "no_answer", width: 10, value: (r) => r.metrics.callbacks.outcomes.noAnswer },
  { key: "call_later", width: 10, value: (r) => r.metrics.callbacks.outcomes.callLater },
  { key: "visits", width: 10, value: (r) => r.metrics.visits.logged },
  { key: "complaints", width: 10, value: (r) => r.metrics.complaints.registered },
  { key: "sla_missed", width: 10, value: (r) => r.metrics.complaints.breachedSla },
  { key: "escalations", width: 10, value: (r) => r.metrics.complaints.escalationsReceived },
  { key: "median_ack", width: 12, value: (r) => r.metrics.complaints.medianAckMinutes },
  { key: "churn", width: 10, percent: true, value: (r) => r.metrics.churn.rate },
  { key: "satisfaction", width: 10, value: (r) => r.metrics.satisfaction.average },
  { key: "hospitality", width: 12, value: (r) => yuan(r.metrics.hospitality.spendFen) },
];

function rowName(locale: Locale, r: KpiRow): string {
  if (r.kind === "total") return t(locale, "report.xlsx.department");
  if (r.kind === "others") return t(locale, "report.view.label.others");
  if (r.kind === "team") return t(locale, "kpi.team", { name: r.name ?? "—" });
  return r.inactive ? t(locale, "report.view.label.deactivated", { name: r.name ?? "—" }) : (r.name ?? "—");
}

/** The workbook's bytes. */
export async function reportWorkbook(report: KpiReport, locale: Locale): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = "Accord";
  const sheet = book.addWorksheet(t(locale, "report.xlsx.sheet", { from: report.from, to: report.to }).slice(0, 31));
  sheet.columns = [
    { header: t(locale, "report.xlsx.col.row"), key: "row", width: 12 },
    { header: t(locale, "report.xlsx.col.name"), key: "name", width: 24 },
    { header: t(locale, "report.xlsx.col.members"), key: "members", width: 8 },
    ...COLUMNS.map((c) => ({ header: t(locale, `report.xlsx.col.${c.key}`), key: c.key, width: c.width, ...(c.percent ? { style: { numFmt: "0.0%" } } : {}) })),
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: "frozen", xSplit: 2, ySplit: 1 }];
  const rows: KpiRow[] = [...report.members, ...report.teams, report.total];
  for (const r of rows) {
    const values: Record<string, Cell> = { row: t(locale, `report.xlsx.kind.${r.kind}`), name: rowName(locale, r), members: r.members };
    for (const c of COLUMNS) values[c.key] = c.value(r);
    const added = sheet.addRow(values);
    if (r.kind !== "member") added.font = { bold: true };
  }
  sheet.addRow([]);
  sheet.addRow([t(locale, "report.view.definitions")]);
  return Buffer.from(await book.xlsx.writeBuffer());
}
