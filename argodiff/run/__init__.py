"""Running a comparison: which apps, which sides, the jobs that diff them."""
