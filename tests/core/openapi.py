"""The API's operations, read from the OpenAPI schema, with path parameters filled from real objects."""

import re
from functools import cache

_PARAM = re.compile(r"\{(\w+)\}")
WRITE_METHODS = ("post", "put", "patch")


@cache
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def operations(methods: tuple[str, ...], *, with_body: bool = False) -> list[tuple[str, str]]:
    """(method, path template) of every operation with one of `methods`, in schema order."""
    found = []
    for path, item in schema()["paths"].items():
        for method, operation in item.items():
            if method not in methods:
                continue
            if with_body and "requestBody" not in operation:
                continue
            found.append((method, path))
    return found


def fill_path(template: str, method: str, client) -> str:
    """The path with each parameter set to an object `client` can see (an enum's first value).

    The value comes from the collection the parameter belongs to ("/projects/" for
    "/projects/{id}/"), so it is a real object of the test's world; "0" when that list is empty.
    """
    operation = schema()["paths"][template][method]
    enums = {
        p["name"]: p["schema"]["enum"]
        for p in operation.get("parameters", [])
        if p.get("in") == "path" and "enum" in p.get("schema", {})
    }
    path = template
    while match := _PARAM.search(path):
        name = match.group(1)
        if name in enums:
            value = str(enums[name][0])
        else:
            value = _first_in_collection(client, path[: match.start()], name)
        path = path[: match.start()] + value + path[match.end() :]
    return path


def _first_in_collection(client, collection: str, name: str) -> str:
    response = client.get(collection)
    if response.status_code != 200:
        return "0"
    data = response.json()
    items = data.get("results", []) if isinstance(data, dict) else data
    if not items:
        return "0"
    first = items[0]
    return str(first.get(name, first.get("id", "0")))
