"""Reusable Textual widgets: tables, inputs, the board, charts, forms. No services, no store."""
