"""quiz: learn with quizzes and flashcards written as YAML decks."""

__version__ = "0.1.0"  # a literal: reading package metadata costs start-up time

__all__ = ["__version__"]
