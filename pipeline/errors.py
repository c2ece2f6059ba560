"""The one exception type the CLI turns into a one-line message."""


class PipelineError(Exception):
    """A problem with the user's input, files or model, stated in one line.

    The message names the file and the problem; the CLI prints it without a traceback.
    """
