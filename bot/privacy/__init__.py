"""Privacy rights: pseudonyms, share codes, what is stored about a person, and erasure."""
