"""Textual screens and their modals. Screens call services; they never write tables."""
