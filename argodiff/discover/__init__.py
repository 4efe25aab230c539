"""Finding the Applications in the repository, and the ones a change affects."""
