-- Each node's inventory (issue 14) beside its heartbeat, so a node refuses only a request that no
-- node of the cluster could ever satisfy, rather than one it cannot satisfy itself.
ALTER TABLE cluster_nodes ADD COLUMN gpus INT NOT NULL DEFAULT 0;
ALTER TABLE cluster_nodes ADD COLUMN cpus INT NOT NULL DEFAULT 1;
ALTER TABLE cluster_nodes ADD COLUMN memory_mb BIGINT NOT NULL DEFAULT 1;
