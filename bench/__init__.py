"""Seeded, repeatable benchmarks; results under bench/out/ (see bench/README.md)."""
