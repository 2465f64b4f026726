-- Failover (issue 19): a request may be tried on several targets, and every attempt that reached a
-- provider is metered, so the ledger holds one row per attempt. `attempt` numbers them from 1 (the
-- retry count Envoy reports, x-envoy-attempt-count); 0 marks a request answered by the gateway
-- itself (refused, listed, or an Envoy local reply) that never reached a provider. `target` is the
-- stable id of the model target tried (endpoint metadata, failover contract item 3). Per request,
-- the row with a 2xx status names the target that served it and max(attempt) how many attempts it
-- took. Rows written before this migration were single attempts.
alter table usage_ledger add column attempt integer not null default 1;
alter table usage_ledger add column target text;

-- Idempotent replays key on the attempt too: two attempts of one request may share a millisecond.
alter table usage_ledger drop constraint usage_ledger_pkey;
alter table usage_ledger add primary key (request_id, attempt, time);
