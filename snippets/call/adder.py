"""__call__ with arguments: the object is configured once, then called like a function."""


class Adder:
    def __init__(self, n):
        self.n = n

    def __call__(self, x):
        return x + self.n


if __name__ == "__main__":
    add_five = Adder(5)
    print(add_five(10))
    print(add_five.__call__(10))          # the same call, spelled out
    print(list(map(add_five, [1, 2, 3])))  # usable wherever a function is expected
