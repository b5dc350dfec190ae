"""Services for coaching cycles and the cadence of joins (who is due)."""
