"""Stage 2: sentences, embeddings, topic mentions and hybrid search over the stored text."""
