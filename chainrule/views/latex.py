r"""LaTeX: an ``align*`` environment, one line per step, or a whole document.

Each step is one line ``\frac{d}{dx} expr = result`` with a ``\text{...}``
annotation naming the rule; bindings and the chain rule's Leibniz and
Lagrange forms follow on their own lines. LaTeX does not break displayed
equations, so a line wider than the page is broken here, at the ``=`` signs,
then between the terms of sums and the factors of products (continuation lines
start with the operator, indented).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from chainrule.derivation.dependencies import DependencyNode
from chainrule.derivation.model import Derivation, Sentence
from chainrule.printing import display_form
from chainrule.views.document import (
    Document,
    NumberedStep,
    PointSection,
    StepRenderer,
    document,
    render_sentence,
)
from chainrule.views.notation import (
    Diff,
    Equation,
    LatexMathPrinter,
    Math,
    Node,
    Product,
    Sum,
)
from chainrule.views.settings import Settings

#: Width budget of one equation line, in estimated characters (see ``latex_width``),
#: for a 6.5in text column at 10pt with the annotation column beside it.
LINE_BUDGET = 58
MAX_INDENT_DEPTH = 4


_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_WIDE_COMMANDS = {"cdot": 3, "quad": 2, "qquad": 4, "partial": 1}
_INVISIBLE = {
    "left",
    "right",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "frac",
    "operatorname",
    "text",
    "mathrm",
}


def latex_width(text: str) -> int:
    """A rough, generous estimate of how many characters wide ``text`` typesets."""

    def command(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _INVISIBLE:
            return ""
        return "x" * _WIDE_COMMANDS.get(name, min(len(name), 3))

    stripped = _COMMAND.sub(command, text)
    stripped = re.sub(r"[{}^_\s]", "", stripped)
    # Binary operators and relations carry space on both sides.
    return len(stripped) + 2 * len(re.findall(r"[-+=]", stripped))


@dataclass(frozen=True)
class Token:
    """A piece of a line: ``op`` joins it to the piece before it on the same line,
    ``break_op`` starts a continuation line with it."""

    text: str
    op: str = ""
    break_op: str = ""


class LineBreaker:
    """Breaks an equation into lines no wider than ``budget``."""

    def __init__(self, printer: LatexMathPrinter, budget: int = LINE_BUDGET) -> None:
        self.printer = printer
        self.budget = budget

    def lines(self, equation: Equation, budget: int | None = None) -> list[str]:
        budget = budget or self.budget
        whole = self.printer.doprint(equation)
        if latex_width(whole) <= budget:
            return [whole]
        tokens: list[Token] = []
        for i, side in enumerate(equation.sides):
            part = self.tokens(side, budget)
            if i:
                part[0] = Token(part[0].text, " = ", "= ")
            tokens.extend(part)
        return self.pack(tokens, budget)

    def pack(self, tokens: list[Token], budget: int) -> list[str]:
        lines: list[str] = []
        current = ""
        for token in tokens:
            candidate = current + token.op + token.text
            if current and latex_width(candidate) > budget:
                lines.append(current)
                current = token.break_op + token.text
            else:
                current = candidate
        lines.append(current)
        return lines

    def tokens(self, node: Node, budget: int) -> list[Token]:
        p = self.printer
        text = p.print(node)
        if latex_width(text) <= budget:
            return [Token(text)]
        if isinstance(node, Product):
            return self._join(
                [self._product_factor(f, i == 0, budget) for i, f in enumerate(node.factors)],
                " \\cdot ",
                "\\cdot ",
            )
        if isinstance(node, Sum):
            return self._join([self.tokens(t, budget) for t in node.terms], " + ", "+ ")
        if isinstance(node, Diff) and not isinstance(node.operand, sympy.Symbol):
            operator = p.print(Diff(sympy.Symbol("_"), node.wrt, node.order, node.partial))
            operator = operator.replace(r" _}", "}")
            inner = self.tokens(Math(node.operand), budget)
            if len(inner) > 1:
                return self._parens(inner, prefix=operator + " ")
            return [Token(text)]
        if isinstance(node, Math):
            return self._expr_tokens(display_form(node.expr), budget)
        return [Token(text)]

    def _product_factor(self, node: Node, first: bool, budget: int) -> list[Token]:
        """A factor of a shown product, with the brackets ``factor`` gives it kept when it breaks."""
        whole = self.printer.factor(node, first=first)
        if latex_width(whole) <= budget:
            return [Token(whole)]
        inner = self.tokens(node, budget)
        bracketed = whole != self.printer.print(node) and whole.startswith(r"\left(")
        return self._parens(inner) if bracketed and len(inner) > 1 else inner

    def _expr_tokens(self, expr: sympy.Basic, budget: int) -> list[Token]:
        p = self.printer
        text = p.expr(expr)
        if latex_width(text) <= budget:
            return [Token(text)]
        if isinstance(expr, sympy.Add):
            out: list[Token] = []
            for i, term in enumerate(expr.as_ordered_terms()):
                negative = term.could_extract_minus_sign()
                shown = -term if negative else term
                part = self._factor_tokens(shown, budget, sympy.Add)
                if i == 0:
                    if negative:
                        part[0] = Token("-" + part[0].text)
                else:
                    sign = "-" if negative else "+"
                    part[0] = Token(part[0].text, f" {sign} ", f"{sign} ")
                out.extend(part)
            return out
        if isinstance(expr, (sympy.Mul, sympy.Pow)) and sympy.fraction(expr)[1] != 1:
            # A fraction too wide for the page: 1/den · (numerator), numerator broken.
            numerator, denominator = sympy.fraction(expr)
            head = Token(p.expr(1 / denominator))
            if numerator == 1:
                return [head]
            body = self._factor_tokens(numerator, budget, sympy.Mul)
            body[0] = Token(body[0].text, " \\cdot ", "\\cdot ")
            return [head, *body]
        if isinstance(expr, sympy.Mul) and sympy.fraction(expr)[1] == 1:
            if expr.could_extract_minus_sign():
                part = self._expr_tokens(-expr, budget)
                return [Token("-" + part[0].text, part[0].op, part[0].break_op), *part[1:]]
            groups = [self._factor_tokens(f, budget, sympy.Mul) for f in expr.as_ordered_factors()]
            return self._join(groups, " ", "\\cdot ")
        return [Token(text)]

    def _factor_tokens(self, expr: sympy.Basic, budget: int, within: type) -> list[Token]:
        """Tokens of a term (in a sum) or a factor (in a product), parenthesised if needed."""
        from sympy.printing.precedence import PRECEDENCE, precedence

        level = PRECEDENCE["Add"] if within is sympy.Add else PRECEDENCE["Mul"]
        needs_parens = precedence(expr) <= level if within is sympy.Mul else precedence(expr) < level
        inner = self._expr_tokens(expr, budget)
        if not needs_parens:
            return inner
        if len(inner) == 1:
            return [Token(self.printer.expr(expr, level=level))]
        return self._parens(inner)

    @staticmethod
    def _parens(inner: list[Token], prefix: str = "") -> list[Token]:
        first, last = inner[0], inner[-1]
        inner = list(inner)
        inner[0] = Token(prefix + r"\Bigl(" + first.text, first.op, first.break_op)
        last = inner[-1]
        inner[-1] = Token(last.text + r"\Bigr)", last.op, last.break_op)
        return inner

    @staticmethod
    def _join(groups: list[list[Token]], op: str, break_op: str) -> list[Token]:
        out: list[Token] = []
        for i, group in enumerate(groups):
            if i:
                group = [Token(group[0].text, op, break_op), *group[1:]]
            out.extend(group)
        return out


def escape_text(text: str) -> str:
    r"""Escape ``text`` for LaTeX's text mode (``\text{...}``, a paragraph, a heading)."""
    replacements = {
        "<": r"\textless{}",
        ">": r"\textgreater{}",
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "$": r"\$",
        "&": r"\&",
        "#": r"\#",
        "%": r"\%",
        "_": r"\_",
        "^": r"\^{}",
        "~": r"\~{}",
    }
    return "".join(replacements.get(ch, ch) for ch in text)


class LatexRenderer(StepRenderer[list[str]]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.printer = LatexMathPrinter()
        self.breaker = LineBreaker(self.printer)

    def row(self, equation: Equation, note: str, depth: int) -> list[str]:
        """One equation as ``align*`` rows: the first annotated, continuations indented."""
        indent = r"\quad " * min(depth, MAX_INDENT_DEPTH)
        budget = LINE_BUDGET - 2 * min(depth, MAX_INDENT_DEPTH)
        lines = self.breaker.lines(equation, budget)
        annotation = rf" && \text{{{escape_text(note)}}}" if note else ""
        rows = [f"& {indent}{lines[0]}{annotation}"]
        rows.extend(f"& {indent}\\qquad {line}" for line in lines[1:])
        return rows

    def sentence(self, sentence: Sentence) -> str:
        """Words for text mode, mathematics in ``$...$``."""
        return render_sentence(
            sentence, escape_text, lambda sides: "$" + " = ".join(map(self.printer.expr, sides)) + "$"
        )

    def _print_step(self, item: NumberedStep) -> list[str]:
        """The step's sentence as a line of text, then its equations, as a worked solution."""
        depth = 1.5 * min(item.depth, MAX_INDENT_DEPTH)
        # A long sentence wraps under its first word, not under the step's number.
        hang = rf"\hangindent={depth + 1.5:g}em\hangafter=1 "
        indent = rf"\hspace*{{{depth:g}em}}" if item.depth else ""
        words = rf"\intertext{{{hang}{indent}\textbf{{{item.label}.}} {self.sentence(item.step.text)}}}"
        rows = self.row(item.math.equation, item.step.rule.title, item.depth)
        rows[0] = words + "\n" + rows[0]  # the words belong to the row after them: no empty row
        for binding in item.math.bindings:
            rows.extend(self.row(binding, "where", item.depth + 1))
        for label, equation in self.notation_lines(item.math):
            rows.extend(self.row(equation, label, item.depth + 1))
        return rows

    def align(self, doc: Document) -> str:
        rows: list[str] = [] if self.settings.standalone else self.dependency_rows(doc.dependencies)
        for block in self.render_steps(doc):
            rows.extend(block)
        answer = self.row(doc.answer, "", 0)
        answer[0] = r"\intertext{\textbf{Answer.} Putting the steps together:}" + "\n" + answer[0]
        rows.extend(answer)
        if doc.point is not None:
            rows.extend(self.point_rows(doc.point))
        lead = ""
        if rows[0].startswith("\\intertext{"):
            # Words first in an alignment leave an empty display line above them: a paragraph instead.
            words, rows[0] = rows[0].split("\n", 1)
            lead = "\\noindent " + words.removeprefix("\\intertext{").removesuffix("}") + "\n"
        body = " \\\\\n".join(rows)
        return lead + "\\begin{align*}\n" + body + "\n\\end{align*}\n"

    def point_rows(self, point: PointSection) -> list[str]:
        p = self.printer
        where = ", ".join(p.doprint(eq) for eq in point.point)
        rows: list[str] = [rf"& \text{{At }} {where}\text{{:}}"]
        if point.function_value is not None:
            rows.extend(self.row(point.function_value, "value", 1))
        rows.extend(rf"\intertext{{{self.sentence(note)}}}" for note in point.notes)
        if point.derivative is not None:
            rows.extend(self.row(point.derivative, "derivative", 1))
        if point.value.numeric is not None:
            rows.append(rf"& \quad \qquad \approx {p.expr(point.value.numeric)}")
        for i, line in enumerate(point.tangent):
            rows.extend(self.row(line, "tangent line" if i == 0 else "that is", 1))
        return rows

    def document(self, doc: Document) -> str:
        p = self.printer
        exercise_lines = self.breaker.lines(Equation((doc.title,)))
        title = "A derivative, step by step"
        if len(exercise_lines) == 1 and latex_width(exercise_lines[0]) <= 40:
            title = f"The derivative ${exercise_lines[0]}$"
        where = ""
        if doc.where:
            where = " where " + ", ".join(f"${p.doprint(eq)}$" for eq in doc.where)
        if doc.held:
            where += ", holding " + ", ".join(f"${p.expr(s)}$" for s in doc.held) + " constant"
        at = ""
        if doc.point is not None:
            at = " Evaluate it at " + ", ".join(f"${p.doprint(eq)}$" for eq in doc.point.point) + "."
        exercise_display = " \\\\\n".join(
            [f"& {exercise_lines[0]}"] + [f"& \\qquad {line}" for line in exercise_lines[1:]]
        )
        return (
            f"{PREAMBLE}"
            f"\\title{{{title}}}\n"
            "\\author{chainrule}\n"
            "\\date{}\n"
            "\\begin{document}\n"
            "\\maketitle\n"
            "\\section*{Exercise}\n"
            f"Find the derivative{where}.{at}\n"
            "\\begin{align*}\n"
            f"{exercise_display}\n"
            "\\end{align*}\n"
            f"{self.dependency_table(doc.dependencies)}"
            "\\section*{Solution}\n"
            f"{self.align(doc)}"
            "\\end{document}\n"
        )

    def dependency_table(self, tree: DependencyNode | None) -> str:
        """The dependency tree as a table: each variable and what it depends on directly."""
        if tree is None:
            return ""
        p = self.printer
        rows: list[str] = []
        for node in _defined_nodes(tree):
            name = p.expr(sympy.Symbol(node.name))
            defined = node.definition is not None and not (
                isinstance(node.definition, AppliedUndef) and node.definition.func.__name__ == node.name
            )
            head = f"${name} = {p.expr(node.definition)}$" if defined else f"${name}$"
            depends = ", ".join(f"${p.expr(sympy.Symbol(c.name))}$" for c in node.children)
            rows.append(f"{head} & {depends} \\\\")
        return (
            "\\begin{center}\n\\begin{tabular}{ll}\n"
            "\\textbf{variable} & \\textbf{depends on} \\\\ \\hline\n"
            + "\n".join(rows)
            + "\n\\end{tabular}\n\\end{center}\n"
        )

    def dependency_rows(self, tree: DependencyNode | None) -> list[str]:
        """The dependency tree inside ``align*``: one ``x \\rightarrow m, n`` row per variable."""
        if tree is None:
            return []
        p = self.printer
        return [
            f"& {p.expr(sympy.Symbol(node.name))} \\rightarrow "
            + ",\\ ".join(p.expr(sympy.Symbol(c.name)) for c in node.children)
            + " && \\text{depends on}"
            for node in _defined_nodes(tree)
        ]

    def render(self, doc: Document) -> str:
        return self.document(doc) if self.settings.standalone else self.align(doc)


def _defined_nodes(tree: DependencyNode) -> list[DependencyNode]:
    """Each variable with dependencies once, in reading order."""
    nodes: list[DependencyNode] = []
    seen: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.children and node.name not in seen:
            seen.add(node.name)
            nodes.append(node)
    return nodes


#: The preamble of a standalone document (worksheets share it).
PREAMBLE = (
    "\\documentclass[11pt]{article}\n"
    "\\usepackage[margin=1in]{geometry}\n"
    "\\usepackage{amsmath}\n"
    "\\allowdisplaybreaks\n"
)


def render_latex(derivation: Derivation, settings: Settings | None = None) -> str:
    """The derivation as LaTeX: an ``align*`` environment, or a document if ``standalone``."""
    settings = settings or Settings()
    return LatexRenderer(settings).render(document(derivation, settings))
