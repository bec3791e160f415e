"""Excel imports: the decision's annex and the criteria matrix (upload → preview → confirm).

``files`` opens an upload safely, ``annex_layout``/``annex`` and ``matrix`` read
and plan, ``service`` previews and applies for the pages and the command alike.
"""
