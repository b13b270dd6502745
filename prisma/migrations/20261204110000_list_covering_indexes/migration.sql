-- The customer list's `overdue` filter counts, by tier, the customers that have a pending callback
-- past its day. In a department where a quarter of the customers have one (28,000 of 100,000 in
-- bench:core) that count is a hash semi-join, and reading both tables' heaps made it the slowest
-- list (42–57 ms). With the customer id carried in the callbacks' (status, dueOn) index and the
-- tier and owner carried in a (tenant, id) index of customers, both sides are index-only scans
-- (a third of the pages read). Prisma's schema language cannot say INCLUDE, so these are here only;
-- the callback index keeps the name Prisma gives @@index([tenantId, status, dueOn]).
DROP INDEX "Callback_tenantId_status_dueOn_idx";
CREATE INDEX "Callback_tenantId_status_dueOn_idx" ON "Callback" ("tenantId", "status", "dueOn") INCLUDE ("customerId");
CREATE INDEX "Customer_tenantId_id_covering_idx" ON "Customer" ("tenantId", "id") INCLUDE ("tier", "ownerId");
