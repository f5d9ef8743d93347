"""A static scan of a submission's own code for ways of passing tests without solving them.

Flagged, never scored: the report's ``flags`` tell the instructor where to look. The scan reads the
answer and extra cells (locked and test cells come from the release) with :mod:`ast`:

- ``suspicious:builtins-override``  rebinding builtins (``isinstance = …``, ``builtins.len = …``)
- ``suspicious:numpy-patch``        assigning to numpy attributes (``np.testing.assert_allclose = …``)
- ``suspicious:module-patch``       the same for modules tests rely on (tensorflow, keras, math, …)
- ``suspicious:always-equal``       an ``__eq__`` that returns True whatever it is given (or ``__ne__`` False)
- ``suspicious:exception-hook``     swallowing errors (``set_custom_exc``, ``sys.excepthook``, ``showtraceback``)
- ``suspicious:mock-patch``         ``unittest.mock`` / ``patch(...)`` in a submission
"""

from __future__ import annotations

import ast

import nbformat

from dlcourse.grading.repair import cell_role

BUILTINS = "suspicious:builtins-override"
NUMPY = "suspicious:numpy-patch"
MODULE = "suspicious:module-patch"
ALWAYS_EQUAL = "suspicious:always-equal"
EXCEPTION_HOOK = "suspicious:exception-hook"
MOCK = "suspicious:mock-patch"

# Builtins a test leans on; rebinding `input` or `id` in a notebook is common and harmless.
SENSITIVE_BUILTINS = {
    "isinstance", "issubclass", "type", "len", "abs", "all", "any", "round", "float", "int", "bool", "str",
    "max", "min", "sum", "sorted", "range", "zip", "getattr", "setattr", "hasattr", "repr", "print", "exec",
    "eval", "compile", "open", "__import__", "AssertionError", "Exception", "BaseException", "ValueError",
}
PATCH_TARGET_MODULES = {"tensorflow", "keras", "math", "operator", "random", "unittest", "pytest", "IPython",
                        "nbgrader", "dlcourse"}
CONVENTIONAL_ALIASES = {"np": "numpy", "tf": "tensorflow", "builtins": "builtins", "__builtins__": "builtins"}
HOOK_ATTRS = {"excepthook", "showtraceback", "_showtraceback", "set_custom_exc", "CustomTB"}


def scan_notebook(nb: nbformat.NotebookNode) -> list[str]:
    """Sorted flags for the student-written code cells of ``nb`` (imports anywhere in ``nb`` count)."""
    modules = dict(CONVENTIONAL_ALIASES)
    for cell in nb.cells:
        if cell.cell_type == "code":
            tree = _parse(cell.source)
            if tree is not None:
                modules.update(_Scan(modules={}).imports(tree))
    flags: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and cell_role(cell) != "fixed":
            flags |= scan_source(cell.source, modules=modules)
    return sorted(flags)


def scan_source(source: str, *, modules: dict[str, str] | None = None) -> set[str]:
    """Flags for one cell; ``modules`` maps names bound by imports elsewhere to their top-level module."""
    tree = _parse(source)
    if tree is None:
        return set()
    scan = _Scan(modules={**CONVENTIONAL_ALIASES, **(modules or {})})
    for node in tree.body:  # top-level rebinding of a builtin shadows it for every later cell
        for name in _bound_names(node):
            if name in SENSITIVE_BUILTINS:
                scan.flags.add(BUILTINS)
    scan.visit(tree)
    return scan.flags


def _parse(source: str) -> ast.Module | None:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def _bound_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in node.names]
    targets = {ast.Assign: lambda n: n.targets, ast.AnnAssign: lambda n: [n.target],
               ast.AugAssign: lambda n: [n.target]}.get(type(node), lambda n: [])(node)
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node


class _Scan(ast.NodeVisitor):
    def __init__(self, *, modules: dict[str, str]):
        self.flags: set[str] = set()
        self.modules = dict(modules)

    def imports(self, tree: ast.Module) -> dict[str, str]:
        """Names bound by the imports in ``tree``."""
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.visit(node)
        return self.modules

    def visit_Import(self, node):
        for a in node.names:
            self.modules[a.asname or a.name.split(".")[0]] = a.name.split(".")[0]
            if a.name.startswith("unittest.mock") or a.name == "mock":
                self.flags.add(MOCK)

    def visit_ImportFrom(self, node):
        top = (node.module or "").split(".")[0]
        for a in node.names:
            if node.module in ("unittest", "unittest.mock") and a.name in ("mock", "patch"):
                self.flags.add(MOCK)
            self.modules.setdefault(a.asname or a.name, top)  # `from numpy import testing` is numpy too

    def _patched(self, target: ast.expr) -> None:
        if isinstance(target, ast.Attribute) and target.attr in HOOK_ATTRS:
            self.flags.add(EXCEPTION_HOOK)
        root = _root(target)
        if not isinstance(target, (ast.Attribute, ast.Subscript)) or not isinstance(root, ast.Name):
            return
        module = self.modules.get(root.id)
        if module == "builtins":
            self.flags.add(BUILTINS)
        elif module == "numpy" and isinstance(target, ast.Attribute):
            self.flags.add(NUMPY)
        elif module in PATCH_TARGET_MODULES and isinstance(target, ast.Attribute):
            self.flags.add(MODULE)

    def visit_Assign(self, node):
        for t in node.targets:
            for sub in (t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t]):
                self._patched(sub)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._patched(node.target)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._patched(node.target)
        self.generic_visit(node)

    def visit_Delete(self, node):
        for t in node.targets:
            self._patched(t)
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "setattr" and node.args:
            self._patched(ast.Attribute(value=node.args[0], attr="?", ctx=ast.Store()))
        if name == "set_custom_exc":
            self.flags.add(EXCEPTION_HOOK)
        if name == "patch" or (isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "mock"):
            self.flags.add(MOCK)
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in ("__eq__", "__ne__"):
                if _always_returns(item, item.name == "__eq__"):
                    self.flags.add(ALWAYS_EQUAL)
            if isinstance(item, ast.Assign) and any(getattr(t, "id", "") in ("__eq__", "__ne__") for t in item.targets):
                if isinstance(item.value, ast.Lambda) and _is_const(item.value.body, True):
                    self.flags.add(ALWAYS_EQUAL)
        self.generic_visit(node)


def _is_const(node: ast.expr, value: bool) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is value or (not isinstance(node.value, str) and bool(node.value) is value
                                       and node.value is not None)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _is_const(node.operand, not value)
    return False


def _always_returns(func: ast.FunctionDef, value: bool) -> bool:
    returns = [n for n in ast.walk(func) if isinstance(n, ast.Return)]
    return bool(returns) and all(r.value is not None and _is_const(r.value, value) for r in returns)


