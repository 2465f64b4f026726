-- Targets whose provider asked to be left alone for a while (a 429, 503 or 529 with retry-after),
-- as the data plane's per-attempt points heard it. The control plane publishes each one's endpoint
-- as DEGRADED in its model's cluster until ends_at, so Envoy sends traffic to the other targets
-- without a wasted attempt. Not configuration: a row bumps no config revision; the trigger wakes
-- the control planes on their own channel. A target's row goes with the target (a model update
-- replaces its targets).
create table target_cooldowns (
    target_id  uuid        primary key references model_targets (id) on delete cascade,
    ends_at    timestamptz not null,
    status     integer     not null check (status in (429, 503, 529)),
    updated_at timestamptz not null default now()
);

create function notify_target_cooldowns() returns trigger language plpgsql as $$
begin
    perform pg_notify('target_cooldowns_changed', '');
    return null;
end
$$;

create trigger target_cooldowns_changed
    after insert or update on target_cooldowns
    for each statement execute function notify_target_cooldowns();
