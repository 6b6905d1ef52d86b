"""Entry point for `flask` and gunicorn: `gunicorn wsgi:app`."""

from grantsfund import create_app

app = create_app()
