-- Configuration that operators manage through the admin API and that the control plane and the
-- data plane read. Every committed change to it bumps config_revision and sends NOTIFY
-- config_changed with the new revision, so every replica can refresh within a second.

create table config_revision (
    id         smallint    primary key default 1 check (id = 1),
    revision   bigint      not null,
    changed_at timestamptz not null default now()
);
insert into config_revision (id, revision) values (1, 1);

create table fleets (
    id            uuid        primary key,
    name          text        not null unique,
    listener_port integer     not null check (listener_port between 1 and 65535),
    version       bigint      not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
insert into fleets (id, name, listener_port) values ('00000000-0000-0000-0000-000000000001', 'default', 10000);

create table providers (
    id         uuid        primary key,
    name       text        not null unique,
    schema     text        not null,
    base_url   text        not null,
    settings   jsonb       not null default '{}',
    version    bigint      not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- Credentials are write-only: the secret fields of each kind are one AES-GCM ciphertext of their
-- JSON, tagged with the id of the encryption key that sealed it.
create table provider_credentials (
    id          uuid        primary key,
    provider_id uuid        not null references providers (id) on delete cascade,
    kind        text        not null,
    hint        text        not null,
    key_id      text        not null,
    ciphertext  bytea       not null,
    position    integer     not null,
    created_at  timestamptz not null default now()
);
create index provider_credentials_provider on provider_credentials (provider_id);

create table models (
    id                               uuid        primary key,
    name                             text        not null unique,
    input_per_million                numeric(20, 10),
    output_per_million               numeric(20, 10),
    cached_input_per_million         numeric(20, 10),
    version                          bigint      not null default 1,
    created_at                       timestamptz not null default now(),
    updated_at                       timestamptz not null default now()
);

create table model_targets (
    id             uuid    primary key,
    model_id       uuid    not null references models (id) on delete cascade,
    provider_id    uuid    not null references providers (id),
    upstream_model text    not null,
    weight         integer not null check (weight >= 0),
    priority       integer not null,
    position       integer not null
);
create index model_targets_model on model_targets (model_id);
create index model_targets_provider on model_targets (provider_id);

create table teams (
    id         uuid        primary key,
    name       text        not null unique,
    version    bigint      not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- Client keys: only a SHA-256 of the secret is kept; prefix is what operators see.
create table api_keys (
    id             uuid        primary key,
    name           text        not null,
    team_id        uuid        not null references teams (id),
    prefix         text        not null,
    key_hash       bytea       not null unique,
    allowed_models text[]      not null default '{}',
    expires_at     timestamptz,
    revoked_at     timestamptz,
    version        bigint      not null default 1,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);
create index api_keys_team on api_keys (team_id);

create table quotas (
    id          uuid           primary key,
    scope       text           not null,
    scope_id    uuid,
    model       text,
    metric      text           not null,
    time_window text           not null,
    limit_value numeric(30, 10) not null check (limit_value >= 0),
    version     bigint         not null default 1,
    created_at  timestamptz    not null default now(),
    updated_at  timestamptz    not null default now()
);
create index quotas_scope on quotas (scope, scope_id);

create table admin_tokens (
    id         uuid        primary key,
    name       text        not null,
    role       text        not null,
    prefix     text        not null,
    token_hash bytea       not null unique,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);

create table audit_log (
    id            bigint generated always as identity primary key,
    at            timestamptz not null default now(),
    actor         text        not null,
    action        text        not null,
    resource_type text        not null,
    resource_id   text,
    before        jsonb,
    after         jsonb
);
create index audit_log_at on audit_log (at);
