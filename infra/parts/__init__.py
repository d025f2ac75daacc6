"""The stack's parts, one per code group (:mod:`infra.stack` composes them).

- :mod:`~infra.parts.data`: the single table (``devdevdev.store``);
- :mod:`~infra.parts.secrets`: the secrets the functions read;
- :mod:`~infra.parts.functions`: the shared layer and the one way to make a function;
- :mod:`~infra.parts.images`: the pick image bucket and its CDN (``devdevdev.storage``);
- :mod:`~infra.parts.search`: the article search domain and its indexer (``devdevdev.search``);
- :mod:`~infra.parts.notifications`: the fan-out queue, its dead letters, its worker and the live WebSocket channel;
- :mod:`~infra.parts.api`: the HTTP API, its routes and the group functions (``functions/<group>``);
- :mod:`~infra.parts.embeddings`: the pick embedding pipeline (``devdevdev.embeddings``).

Each part owns its resources and grants access to them in one place (its ``grant_*`` methods). A part is
transparent to logical ids (:mod:`infra.parts.ids`): the template is the one of a flat stack.
"""
