"""Plain data (``deck_to_dict``'s shape) straight to the node tree the loader would compose from
its JSON text, without writing or parsing that text.

``deck_from_dict`` once wrote the data as JSON and composed it with PyYAML (JSON is YAML); on a
large import that took most of the time and memory. :func:`data_tree` builds the same nodes with
the same tags, styles and positions (line 1, the column in ``json.dumps(data,
ensure_ascii=False)``), so the loader reads them exactly as before. Data the JSON text would not
carry unchanged (other types, non-text keys, characters YAML folds or refuses) returns None: the
caller takes the text path then.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Characters YAML reads other than JSON wrote them (line breaks it folds, characters it refuses).
_NOT_AS_WRITTEN = re.compile("[\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\u2028\u2029]")
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Mark:
    """A node's position, as much of PyYAML's mark as the loader reads."""

    __slots__ = ("column", "index", "line")

    def __init__(self, column: int) -> None:
        self.line = 0
        self.column = column
        self.index = column


class _Node:
    """A node as the loader reads it (it tells kinds apart by class name, as it does PyYAML's),
    in a quarter of the memory of PyYAML's: slots, and positions kept as numbers."""

    __slots__ = ("_end", "_start", "tag", "value")

    def __init__(self, tag: str, value: Any, start: int, end: int) -> None:
        self.tag = tag
        self.value = value
        self._start = start
        self._end = end

    @property
    def start_mark(self) -> _Mark:
        return _Mark(self._start)

    @property
    def end_mark(self) -> _Mark:
        return _Mark(self._end)


class ScalarNode(_Node):
    __slots__ = ("style",)

    def __init__(self, tag: str, value: str, start: int, end: int, style: str) -> None:
        super().__init__(tag, value, start, end)
        self.style = style


class MappingNode(_Node):
    __slots__ = ()


class SequenceNode(_Node):
    __slots__ = ()


class _Unsure(Exception):
    """The data holds something the text path must decide (see the module's doc)."""


def data_tree(data: Any) -> Any:
    """The node tree ``compose(json.dumps(data, ensure_ascii=False))`` gives, or None (see above)."""
    from json.encoder import encode_basestring

    from ._yaml import yaml_module

    yaml, loader = yaml_module()
    resolve = loader("").resolve
    at = 0  # the column the next character of the JSON text is written at

    def node(value: Any) -> Any:
        nonlocal at
        start = at
        kind = type(value)
        if kind is str:
            if _NOT_AS_WRITTEN.search(value):
                raise _Unsure
            at += len(encode_basestring(value))
            return ScalarNode(_STR, value, start, at, '"')
        if kind is dict:
            pairs = []
            at += 1
            for n, (key, item) in enumerate(value.items()):
                if type(key) is not str:
                    raise _Unsure
                at += 2 if n else 0
                key_node = node(key)
                at += 2
                pairs.append((key_node, node(item)))
            at += 1
            return MappingNode(_MAP, pairs, start, at)
        if kind is list or kind is tuple:
            items = []
            at += 1
            for n, item in enumerate(value):
                at += 2 if n else 0
                items.append(node(item))
            at += 1
            return SequenceNode(_SEQ, items, start, at)
        if value is None or kind is bool or kind is int or kind is float:
            text = json.dumps(value)
            at += len(text)
            return ScalarNode(resolve(yaml.ScalarNode, text, (True, False)), text, start, at, "")
        raise _Unsure

    try:
        return node(data)
    except (_Unsure, RecursionError):
        return None
