"""The command line: thin adapters from arguments to services."""
