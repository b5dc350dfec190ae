"""The command line: thin adapters from arguments to services. `main.main()`
turns a service's UserError into one line on stderr and exit 1, in one place."""
