"""The import graph has no cycles, between modules or packages: a lower layer never
imports a higher one, and two features never import each other. import-linter checks
the layers and the features' faces (pyproject.toml); it has no contract for "no cycle
anywhere", so this test walks the same graph (grimp, which import-linter is built on)."""

from __future__ import annotations

import grimp

ROOTS = ("workflow", "web", "tasks", "config", "bench")


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    imported = sorted(graph.find_modules_directly_imported_by(child))
                    work.append((child, iter(imported)))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def describe(graph: grimp.ImportGraph, group: list[str]) -> str:
    lines = [f"cycle of {len(group)} modules:"]
    members = set(group)
    for importer in group:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            for detail in graph.get_import_details(importer=importer, imported=imported)[:1]:
                lines.append(
                    f"  {importer}:{detail['line_number']} imports {imported}"
                    f"  ({detail['line_contents'].strip()})"
                )
    return "\n".join(lines)


def package_graph(graph: grimp.ImportGraph) -> grimp.ImportGraph:
    """The same imports between packages (a module counts for the package it is in)."""
    packages = grimp.ImportGraph()
    for module in graph.modules:
        packages.add_module(_package(graph, module))
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            a, b = _package(graph, importer), _package(graph, imported)
            if a != b and not b.startswith(a + ".") and not a.startswith(b + "."):
                packages.add_import(importer=a, imported=b)
    return packages


def _package(graph: grimp.ImportGraph, module: str) -> str:
    return module if graph.find_children(module) else module.rpartition(".")[0] or module


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph(*ROOTS, cache_dir=None)
    cycles = strongly_connected(graph)
    assert not cycles, "\n".join(describe(graph, group) for group in cycles)


def test_no_two_packages_import_each_other() -> None:
    graph = package_graph(grimp.build_graph(*ROOTS, cache_dir=None))
    cycles = strongly_connected(graph)
    assert not cycles, "\n".join(f"packages in a cycle: {', '.join(g)}" for g in cycles)
