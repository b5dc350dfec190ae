"""The store: Peewee over SQLite. Every write goes through `coachtui.store.write`."""
