"""Depth-first walks without recursion: an import chain, a `from` chain or a
chain of extensions may be thousands of links long."""

from __future__ import annotations

from typing import Callable, Hashable, Iterable, TypeVar

Node = TypeVar("Node", bound=Hashable)


def walk(roots: Iterable[Node], edges: Callable[[Node], Iterable[tuple[Node, object]]],
         on_cycle: Callable[[list[Node], list[object], object], None] | None = None) -> list[Node]:
    """Every node reachable from the roots, each after the nodes it leads to
    (post-order), visiting roots in order. `edges(node)` gives (target, label)
    pairs. For an edge back to a node on the current path, `on_cycle(path,
    labels, label)` is called: `path` the nodes from that node to the current
    one, `labels` the labels of the edges between them, `label` the closing edge's."""
    order: list[Node] = []
    done: set = set()
    for root in roots:
        if root in done:
            continue
        path: list[Node] = [root]
        labels: list[object] = []
        position = {root: 0}
        stack = [iter(edges(root))]
        while stack:
            for target, label in stack[-1]:
                if target in position:
                    if on_cycle is not None:
                        start = position[target]
                        on_cycle(path[start:], labels[start:], label)
                elif target not in done:
                    position[target] = len(path)
                    path.append(target)
                    labels.append(label)
                    stack.append(iter(edges(target)))
                    break
            else:
                stack.pop()
                node = path.pop()
                if labels:
                    labels.pop()
                del position[node]
                done.add(node)
                order.append(node)
    return order
