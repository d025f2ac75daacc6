"""devdevdev's shared layer: domain rules, storage, identity and the API contract helpers.

Every Lambda function group imports this one package; it ships as the shared Lambda layer.
"""
