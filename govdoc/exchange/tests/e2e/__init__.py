"""The interconnection end to end with real processes: a hub and two installations, each with
its own data directory, SQLite database, web server and worker (harness.py), driven by an
agent process inside each installation (actions.py)."""
