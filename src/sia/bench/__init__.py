"""sia.bench: small built-in benchmarks (`python -m sia.bench minhash`)."""
