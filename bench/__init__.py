"""The benchmark suite: workload generator, servers, load runs and the report (see README.md)."""
