"""Fake chat models with queued answers that record what they were sent."""

from langchain_core.language_models.fake_chat_models import FakeListChatModel


class RecordingChat(FakeListChatModel):
    """Answers from ``responses`` in order, streaming character by character; keeps the prompts."""

    sent: list = []

    def _stream(self, messages, *args, **kwargs):
        self.sent.append(messages)
        yield from super()._stream(messages, *args, **kwargs)


def recording_chat(*responses: str, **kwargs) -> RecordingChat:
    return RecordingChat(responses=list(responses), sent=[], **kwargs)
