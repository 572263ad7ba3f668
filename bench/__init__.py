"""`python -m bench` (`make bench`): the marketplace API benchmark on SQLite and PostgreSQL.

The parent process (`bench.__main__`) runs one child per database (`bench.backend`), because
Django's database settings are fixed per process; each child writes its figures as JSON and
the parent turns them into docs/benchmarks.md. Nothing here is imported by the app.
"""
