"""Services for PLCs, their meetings, and priority plans with peer coaching."""
