"""An object you can call like a function: __call__ with no arguments, keeping state."""


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return self.count


if __name__ == "__main__":
    counter = Counter()
    counter()
    counter()
    print(counter())        # counter() is shorthand for Counter.__call__(counter)
    print(counter.count)
    print(callable(counter), callable(counter.count))
