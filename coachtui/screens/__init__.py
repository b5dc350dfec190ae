"""Textual screens and their modals. Screens call services; they never touch
the store (checked by the import-linter contracts in pyproject.toml)."""
