"""ldn-bot: an extractive, cited question-and-answer bot over the evidence on low-dose naltrexone."""

__version__ = "0.1.0"
