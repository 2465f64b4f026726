-- Envoys (and embedded proxies) seen by any control-plane replica: written by the replica that
-- holds the node's xDS stream, read by every replica's fleet API. A node whose node.cluster names
-- no fleet is stored with fleet_name set and fleet_id null ("unassigned").

create table fleet_nodes (
    node_id          text        not null,
    fleet_name       text        not null,
    fleet_id         uuid        references fleets (id) on delete set null,
    replica_id       text        not null,
    connected        boolean     not null,
    connected_at     timestamptz not null,
    last_seen_at     timestamptz not null,
    -- type URL -> last version this node ACKed
    acked_versions   jsonb       not null default '{}',
    last_nack_type   text,
    last_nack_version text,
    last_nack_error  text,
    last_nack_at     timestamptz,
    primary key (node_id, fleet_name)
);
create index fleet_nodes_fleet on fleet_nodes (fleet_id);
