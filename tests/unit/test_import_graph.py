"""No module of the shared package or the functions reaches itself through its imports (type-only and lazy
imports included): the import-linter contracts of ``make lint`` check the layers and the packages, this checks the
modules (docs/architecture.md)."""

from __future__ import annotations

import grimp


def modules_on_a_cycle(*packages: str) -> list[str]:
    graph = grimp.build_graph(*packages, exclude_type_checking_imports=False, cache_dir=None)
    return sorted(
        module
        for module in graph.modules
        if any(
            graph.find_shortest_chain(importer=imported, imported=module)
            for imported in graph.find_modules_directly_imported_by(module)
        )
    )


def test_no_module_is_on_an_import_cycle():
    assert modules_on_a_cycle("devdevdev", "functions") == []


def test_a_cycle_through_a_lazy_import_is_found(tmp_path, monkeypatch):
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic import b\n")
    (package / "b.py").write_text("def f():\n    from cyclic import a\n")
    (package / "c.py").write_text("from cyclic import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert modules_on_a_cycle("cyclic") == ["cyclic.a", "cyclic.b"]
