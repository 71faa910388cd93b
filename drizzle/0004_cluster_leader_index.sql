CREATE INDEX `drafts_cluster_leader` ON `drafts` (json_extract(`data`, '$.clusterLeader'));
