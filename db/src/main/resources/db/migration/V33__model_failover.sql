-- Issue 19: a model's targets fail over by priority, and priority numbers follow Envoy's priority
-- levels and ai-gateway's backendRefs[].priority: 0 is the first choice, 1 the first fallback.
-- Before, the highest number won (and only the highest priority was ever used). Rank each model's
-- stored numbers from the highest down so the target that served a model before is still its
-- first choice; equal numbers keep sharing a level.
update model_targets t
   set priority = ranked.level
  from (select id,
               dense_rank() over (partition by model_id order by priority desc) - 1 as level
          from model_targets) ranked
 where t.id = ranked.id;

alter table model_targets
    add constraint model_targets_priority_level check (priority between 0 and 1000);

-- Per-model failover settings, carried into the route's retry_policy (docs/envoy.md). Defaults:
-- retry on connection failures, resets, 5xx (including a per-attempt timeout), 429 and 529;
-- 3 attempts in all; no per-attempt timeout (0: a non-streaming completion may be silent for
-- minutes before its headers); back-off 25 ms doubling up to 250 ms (Envoy's own defaults).
alter table models
    add column failover_retry_on              text[]  not null
        default array['connect-failure', 'reset', '5xx', '429', '529'],
    add column failover_attempts              integer not null default 3
        check (failover_attempts between 1 and 10),
    add column failover_per_attempt_timeout_ms integer not null default 0
        check (failover_per_attempt_timeout_ms between 0 and 3600000),
    add column failover_backoff_base_ms       integer not null default 25
        check (failover_backoff_base_ms between 1 and 60000),
    add column failover_backoff_max_ms        integer not null default 250
        check (failover_backoff_max_ms between 1 and 600000),
    add constraint models_failover_backoff_order
        check (failover_backoff_max_ms >= failover_backoff_base_ms);

update models set version = version + 1, updated_at = now()
 where id in (select distinct model_id from model_targets);

update config_revision set revision = revision + 1, changed_at = now() where id = 1;
