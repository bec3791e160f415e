"""Views of the assignments app, one module per area."""
