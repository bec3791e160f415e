"""Change history ("Lịch sử thay đổi") of the audited records, and restoring a version.

django-simple-history writes a record of every save and delete, with its user
(HistoryRequestMiddleware). This package says which models have a history page
(`registry`: REGISTRY, keyed by the slug in the URL), turns consecutive records
into field-level differences people can read (`diff`: field labels, choice
labels, names instead of ids, dd/mm/yyyy dates) and restores an earlier version
as a new change, recreating the object when it was deleted (`restore`).
"""
