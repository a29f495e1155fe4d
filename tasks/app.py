"""The Celery application. Importing this module connects to nothing."""

from __future__ import annotations

from celery import Celery

from config.celery import celery_config
from config.settings import Settings


def make_celery(settings: Settings) -> Celery:
    app = Celery("hogatar")
    app.conf.update(celery_config(settings))
    return app
