"""Documents from elsewhere (web pages, Word, text) → handout sources: `handouts import`."""
