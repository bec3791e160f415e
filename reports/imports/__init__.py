"""Excel imports: the decision's annex and the criteria matrix (upload → preview → confirm).

``files`` opens an upload safely, ``annex_layout``/``annex`` and ``matrix`` read
and plan (the annex's layout with ``names``, ``titles`` and ``kinds``: people,
a title split into position and agency, files of another kind), ``service``
previews and applies for the pages and the command alike.
"""
