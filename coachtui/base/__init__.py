"""Base: what every layer may use (errors, dates, files, text, settings). Imports nothing of ours above it."""
