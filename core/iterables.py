"""Small helpers over iterables shared by the apps."""

from itertools import islice


def chunks(iterable, size):
    """Lists of `size` items (the last one shorter) from `iterable`, read as they come."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk
