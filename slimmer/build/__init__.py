"""Build with BuildKit, measure images, and bench before against after."""
