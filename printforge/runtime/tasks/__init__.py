"""The task runtime: durable task rows, leased claims, spawned worker processes, watching.

See docs/architecture.md, "The task runtime". A Create RPC inserts a PENDING row; a TaskRunner
in each service process claims rows under a renewed lease and runs the kind's handler,
whose CPU work goes to a WorkerPool of spawned processes with time and memory limits;
WatchTask streams snapshots from a TaskWatcher.
"""
