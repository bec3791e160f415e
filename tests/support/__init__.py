"""Helpers shared by several test modules: test modules import these, never each other."""
