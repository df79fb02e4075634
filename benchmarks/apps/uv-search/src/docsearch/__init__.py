"""docsearch: cosine search over hashed character n-gram vectors (numpy only, no model download)."""
