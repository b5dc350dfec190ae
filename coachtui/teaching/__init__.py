"""Services for the common-language teaching framework."""
