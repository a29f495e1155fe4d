"""Outgoing e-mail: templates in Armenian and English, message building, SMTP sending and
a local sink for development."""
