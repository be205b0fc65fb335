"""Luigi shell around the ``pipeline`` library: parameters, paths, calls."""
