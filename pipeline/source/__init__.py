"""handouts/SLUG/ → the typed handout model and each language's checked Markdown body."""
