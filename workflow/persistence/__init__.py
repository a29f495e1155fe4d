"""SQL persistence: tables, engine creation, outbox queries."""
