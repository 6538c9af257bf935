import os

# Places under concurrent nominations are PostgreSQL's business (row locks); the PostgreSQL run collects that module.
collect_ignore = [] if os.environ.get("GANXUN_DATABASE_URL", "").startswith("postgres") else ["test_quota_postgres.py"]
