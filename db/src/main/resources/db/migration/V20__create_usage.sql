-- Usage limiting and the usage ledger.

-- Fleet-wide quota counters: one row per (quota, calendar window). Every ext_proc replica adds its
-- deltas with an upsert and reads the total back, so a new window simply starts a new row and no
-- reset job is needed. `used` is in the quota metric's unit: tokens, or nano-USD for cost_usd.
create table quota_counters (
    quota_id     uuid        not null,
    window_start timestamptz not null,
    used         bigint      not null default 0,
    -- +1 per change, so a replica applies a total it read only if no newer one arrived first.
    version      bigint      not null default 1,
    updated_at   timestamptz not null default now(),
    primary key (quota_id, window_start)
);

-- Live ext_proc replicas (heartbeat on every counter flush): each replica may spend only its share
-- of a quota's remaining headroom between flushes, and the share is 1 / (live replicas).
create table quota_replicas (
    replica_id text        primary key,
    seen_at    timestamptz not null
);

-- One row per request, partitioned by day so that retention drops whole partitions. The request's
-- own time is part of the key: a spooled record replayed later keeps it, so a replay is a no-op.
create table usage_ledger (
    time           timestamptz     not null,
    request_id     text            not null,
    key_id         uuid,
    team_id        uuid,
    model          text,
    provider       text,
    upstream_model text,
    input_tokens   bigint          not null,
    output_tokens  bigint          not null,
    cached_tokens  bigint          not null,
    cost_usd       numeric(20, 10) not null,
    status         integer         not null,
    latency_ms     bigint          not null,
    streamed       boolean         not null,
    primary key (request_id, time)
) partition by range (time);
create index usage_ledger_time on usage_ledger (time);

-- Hourly sums per key/team/model/provider, updated in the same statement that inserts ledger rows
-- (only the rows actually inserted), which keeps reports fast at millions of requests.
create table usage_rollup_hourly (
    hour          timestamptz     not null,
    key_id        uuid,
    team_id       uuid,
    model         text,
    provider      text,
    requests      bigint          not null,
    errors        bigint          not null,
    input_tokens  bigint          not null,
    output_tokens bigint          not null,
    cached_tokens bigint          not null,
    cost_usd      numeric(24, 10) not null,
    unique nulls not distinct (hour, key_id, team_id, model, provider)
);
create index usage_rollup_hourly_hour on usage_rollup_hourly (hour);
