"""Making each process observable: Prometheus metrics and JSON logs (docs/operations.md)."""
