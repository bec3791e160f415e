"""The app's forms, one module per job: the visit itself (visit), its support and
recommendation rows and the follow-up of earlier recommendations (rows), the files to
attach (files), what people type in them (fields: amounts, quantities, days), the
comments of the visit's workflow steps (workflow), the hand-over and amendment of
assignments (succession) and the carry-over to the units of 01/07/2025 (carry_over).
"""
