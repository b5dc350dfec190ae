"""Services for the leader's review and its reports."""
