"""The veille: what is said about the community elsewhere (watch.py reads the sources,
figures.py gives the report what the cache holds)."""
