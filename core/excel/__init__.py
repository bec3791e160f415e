"""The Excel toolkit every file is written with (writer) and the list exports (table)."""
