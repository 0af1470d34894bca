"""The review room's refusal: shown to reviewers as it is (Chinese, one line per problem)."""


class ReviewError(ValueError):
    """An edit was refused; the message (Chinese, one line per problem) is shown as is."""
