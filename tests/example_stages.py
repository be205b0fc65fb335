"""A user stage: e-mail addresses masked, "Tip us off" lines dropped (docs/stages.md shows this file)."""
import re
from dataclasses import replace

from newsclean.pipeline import Article, Change, Context, StageResult

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")
TIP_LINE = re.compile(r"^(got|have) a (news )?tip\b", re.IGNORECASE)


def mask_emails(article: Article, ctx: Context) -> StageResult:
    blocks, changes = [], []
    for block in article.blocks:
        if TIP_LINE.match(block.text):
            changes.append(Change("mask_emails", "user.tip-line", "drop", block.line, block.text))
            continue
        masked = EMAIL.sub("<email>", block.text)
        if masked != block.text:
            changes.append(Change("mask_emails", "user.pii.email", "edit", block.line, block.text, masked))
            block = replace(block, text=masked)
        blocks.append(block)
    return StageResult(replace(article, blocks=tuple(blocks)), tuple(changes))


mask_emails.rules = {
    "user.pii.email": "An e-mail address in the body, replaced by <email>.",
    "user.tip-line": "A 'Got a tip?' line asking readers to write in, dropped.",
}
