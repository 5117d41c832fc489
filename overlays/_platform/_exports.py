"""Public names both brands of the platform export (read by scripts/generate.py)."""

PUBLIC = {
    "._async.platform": ("AsyncPlatformClientWithRawResponse",),
    ".models": (
        "Attachment",
        "ErrorEnvelope",
        "InlineImage",
        "Message",
        "MessageHeaders",
        "MessageInfoItem",
        "MessageInfoResult",
        "Recipient",
        "RecipientType",
        "SendResult",
        "TemplateMessage",
        "TemplateMessageDynamicValue",
        "TrackingEvents",
    ),
}
