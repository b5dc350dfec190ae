"""Services for the staff roster: people, sites, CSV import, duplicates, strengths and development areas."""
