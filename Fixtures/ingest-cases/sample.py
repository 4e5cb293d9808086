import os


def greet(name):
    """Say hello."""
    return f"Hello {name}"


class Greeter:
    def __init__(self, name):
        self.name = name
