"""The documentation of each function group's routes, one module per group of ``infra.routes.GROUPS``.

A module's ``DOCS`` maps a route of its group, written ``METHOD /path`` with the path after ``infra.routes.BASE``
(``"GET /picks/{pickId}"``), to its ``Doc``; ``infra.apidoc.endpoints`` binds them to the route table.
"""
