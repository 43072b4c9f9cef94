"""Handout model + layout → typeset HTML → tagged, repaired PDF/UA-1 bytes (WeasyPrint in a sandbox), and booklet imposition."""
