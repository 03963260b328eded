"""Shared plumbing written once for every service: config, logs, database, tasks, gRPC, blobs."""
