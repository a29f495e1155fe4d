"""Celery app and thin tasks: ids in, service layer call, nothing else."""
