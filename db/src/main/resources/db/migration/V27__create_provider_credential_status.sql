-- A provider credential the data plane could not turn into a token or signature, for the
-- console's provider page. Written when a credential starts failing and deleted when it works
-- again (never per request); the error names the provider and kind, never a secret.
create table provider_credential_status (
    credential_id uuid        primary key references provider_credentials (id) on delete cascade,
    error         text        not null,
    failing_since timestamptz not null default now()
);
