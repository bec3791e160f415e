"""The Excel files NTM Portal writes: the reports the office prints and the list exports.

``writer`` is the toolkit every file is written with (imports' blank templates
included); one module per report builds its workbook from the database.
"""
