"""The bottom layer: what every app uses (lists, cells, form fields, the Excel writer,
formats, and the security and request plumbing). It imports no app of the project."""
