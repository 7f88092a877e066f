"""One error hierarchy; each class carries the exit code the CLI uses for it."""

from __future__ import annotations


class ChainruleError(Exception):
    """Base of every error chainrule raises on purpose.

    ``exit_code`` is what the command line exits with: 2 for bad input, 1 for
    anything else. A message may name the parameters it is about as
    ``{wrt}``, ``{at}``: the library prints the parameter's name (``wrt``), the
    command line its option (``--wrt``), through :meth:`with_names`.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, parameters: tuple[str, ...] = ()) -> None:
        self.template = message
        self.parameters = parameters
        super().__init__(self.with_names({}))

    def with_names(self, names: dict[str, str]) -> str:
        """The message with each ``{parameter}`` written as ``names`` says (else its own name)."""
        message = self.template
        for parameter in self.parameters:
            message = message.replace("{" + parameter + "}", names.get(parameter, parameter))
        return message


class ParseError(ChainruleError):
    """The input text is not an expression chainrule reads.

    Carries the input and the 0-based column of the fault, so ``str(err)``
    can show the input with a caret under the fault.
    """

    exit_code = 2

    def __init__(
        self, message: str, *, text: str = "", column: int | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.column = column
        self.hint = hint

    def __str__(self) -> str:
        where = f" at column {self.column}" if self.column is not None else ""
        lines = [f"{self.message}{where}"]
        if self.text and self.column is not None and "\n" not in self.text and len(self.text) <= 200:
            lines.append(f"  {self.text}")
            lines.append("  " + " " * self.column + "^")
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)


class LimitError(ChainruleError):
    """The input is too large to handle safely (length, depth, huge numbers)."""

    exit_code = 2


class VariableError(ChainruleError):
    """The variable to differentiate by is missing, unknown or ambiguous."""

    exit_code = 2


class UsageError(ChainruleError):
    """An option or argument has a value chainrule cannot use."""

    exit_code = 2


class UnsupportedError(ChainruleError):
    """The expression is valid but chainrule cannot explain its derivative."""

    exit_code = 1


class InternalError(ChainruleError):
    """Something failed that chainrule does not expect: a bug, named in one sentence.

    Every public function raises only ``ChainruleError``; an exception of any
    other kind from SymPy or from chainrule's own code arrives as this one,
    with the original as its ``__cause__``.
    """

    exit_code = 1

    def __init__(self, detail: str) -> None:
        super().__init__(f"internal error: {detail} (a bug in chainrule; please report it)")


class VerificationError(ChainruleError):
    """A step's result is not the derivative of its expression. Always a bug."""

    exit_code = 1

    def __init__(self, message: str, *, step: object = None) -> None:
        super().__init__(message)
        self.step = step
