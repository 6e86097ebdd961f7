"""The labelled evaluation corpus of issue 19 (see README.md here): generated, deterministic."""
