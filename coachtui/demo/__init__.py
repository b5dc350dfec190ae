"""Made-up data for the demo and benchmarks."""
