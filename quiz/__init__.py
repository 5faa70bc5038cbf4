"""quiz: learn with quizzes and flashcards written as YAML decks."""

__version__ = "0.1.0"  # the one place the version is written (pyproject reads it); a literal is fast

__all__ = ["__version__"]
