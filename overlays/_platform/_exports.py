"""Public names both brands of the platform export (read by scripts/generate.py)."""

PUBLIC = {
    "._async.platform": ("AsyncPlatformClientWithRawResponse",),
    ".attachments": (
        "attachment_from_bytes",
        "attachment_from_path",
        "inline_image_from_bytes",
        "inline_image_from_path",
    ),
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
