"""The store: Peewee over SQLite. Local edits go through `write.py`; rows that
arrive from another laptop, with their own clocks, through `apply.py`."""
