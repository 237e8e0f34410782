-- The key that seals notification signing secrets, shared by the nodes of a cluster (each node has
-- its own data directory, and any node may send any delivery). Used only when the cluster is on
-- and no notifications.key is configured; a configured key keeps the database alone from forging.
CREATE TABLE notification_key (
  id  INT PRIMARY KEY CHECK (id = 1),
  key BYTEA NOT NULL CHECK (length(key) = 32)
);
