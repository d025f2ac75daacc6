"""Article search: one port, two engines (OpenSearch in AWS, an embedded tantivy index locally and in tests)."""
