"""Alembic migrations of the service database (packaged with the app)."""
