-- The customer list `overdue` filter counts, by tier, the customers that have a pending callback
-- past its day. In a department where a quarter of the customers have one (28,000 of 100,000 in
-- bench:core) that count is a hash semi-join, and reading the heaps of both tables made it the slowest
-- list (42–57 ms). With the customer id carried in the (status, dueOn) index of callbacks and the
-- tier and owner carried in a (tenant, id) index of customers, both sides are index-only scans
-- (a third of the pages read). The Prisma schema language cannot say INCLUDE, so these are here only:
-- the callback index keeps the name Prisma gives @@index([tenantId, status, dueOn]).
DROP INDEX "Callback_tenantId_status_dueOn_idx";
CREATE INDEX "Callback_tenantId_status_dueOn_idx" ON "Callback" ("tenantId", "status", "dueOn") INCLUDE ("customerId");
CREATE INDEX "Customer_tenantId_id_covering_idx" ON "Customer" ("tenantId", "id") INCLUDE ("tier", "ownerId");

-- Index-only scans (the counts of the list) read the heap for every page changed since the last
-- vacuum. The default (vacuum after a fifth of the rows changed) would leave the customer
-- book half on the heap for weeks of everyday edits, where a fiftieth keeps it within a day or two.
ALTER TABLE "Customer" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.05);
