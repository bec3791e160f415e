"""The Excel toolkit every file is written with (writer: Sheet, on styles and download)
and the list exports (table)."""
