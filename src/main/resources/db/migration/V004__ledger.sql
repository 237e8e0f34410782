-- A sweep parent's status is now derived by the lifecycle owner (JobLedger) in the same transaction
-- as the shard transition that changes it, so the ledger can publish the parent's committed row
-- without reading it again, and jobs.status has one writer.
DROP TRIGGER jobs_sweep_parent ON jobs;
DROP FUNCTION sweep_parent_trg();
