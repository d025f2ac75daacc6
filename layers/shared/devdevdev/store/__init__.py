"""DynamoDB storage: one table, key formats in :mod:`keys`, items in :mod:`models`, repositories beside them.

Only this package touches DynamoDB. Repositories return domain objects and translate DynamoDB failures
(conditional checks, throttling) into domain errors.
"""
