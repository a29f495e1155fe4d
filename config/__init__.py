"""Configuration: settings, Celery wiring and the workflow definitions (as data)."""
